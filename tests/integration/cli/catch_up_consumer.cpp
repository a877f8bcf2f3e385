// A consumer that catches up with its category once and stops, for
// evt_cli.sh: its position stream is a real one, and it parks every
// message of type Poison as any consumer parks a message its handler
// refuses.
//
//   evt_cli_catch_up_consumer CATEGORY [IDENTIFIER MEMBER SIZE]
//
// Connects with EVT_TEST_CONNINFO.
#include <evt/consumer/consumer.hpp>
#include <evt/error.hpp>
#include <evt/store/session.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
  if ((argc != 2 && argc != 5) || std::getenv("EVT_TEST_CONNINFO") == nullptr) {
    std::fputs("usage: EVT_TEST_CONNINFO=... evt_cli_catch_up_consumer CATEGORY [IDENTIFIER MEMBER SIZE]\n", stderr);
    return 2;
  }
  evt::store::session session{{.conninfo = std::getenv("EVT_TEST_CONNINFO")}};
  evt::consumer::settings settings{.category = argv[1]};
  if (argc == 5) {
    settings.identifier = argv[2];
    settings.consumer_group = {{.member = std::stoll(argv[3]), .size = std::stoll(argv[4])}};
  }
  evt::consumer consumer{session, settings};
  consumer.add_handler([](const evt::store::message_data& message) {
    if (message.type == "Poison") throw evt::invalid_message_error{"Poison is refused by this handler"};
  });
  std::printf("%lld\n", static_cast<long long>(consumer.run_until_caught_up()));
  return 0;
}
