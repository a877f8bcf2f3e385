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

#include <CLI/CLI.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
  CLI::App app{"Catches up with a category once, parking messages of type Poison", "evt_cli_catch_up_consumer"};
  std::string category;
  std::string identifier;
  std::int64_t member = 0;
  std::int64_t size = 0;
  std::string conninfo = std::getenv("EVT_TEST_CONNINFO") != nullptr ? std::getenv("EVT_TEST_CONNINFO") : "";
  app.add_option("CATEGORY", category, "the category")->required();
  auto* as_member = app.add_option("IDENTIFIER", identifier, "a consumer group member's identifier");
  app.add_option("MEMBER", member, "its member number")->check(CLI::NonNegativeNumber)->needs(as_member);
  app.add_option("SIZE", size, "the group's size")->check(CLI::PositiveNumber)->needs(as_member);
  app.add_option("--database", conninfo, "libpq conninfo (default: EVT_TEST_CONNINFO)");
  CLI11_PARSE(app, argc, argv);

  evt::store::session session{{.conninfo = conninfo}};
  evt::consumer::settings settings{.category = category};
  if (!identifier.empty()) {
    settings.identifier = identifier;
    settings.consumer_group = {{.member = member, .size = size}};
  }
  evt::consumer consumer{session, settings};
  consumer.add_handler([](const evt::store::message_data& message) {
    if (message.type == "Poison") throw evt::invalid_message_error{"Poison is refused by this handler"};
  });
  std::printf("%lld\n", static_cast<long long>(consumer.run_until_caught_up()));
  return 0;
}
