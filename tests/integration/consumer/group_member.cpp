// One member of a consumer group, as its own process, for
// consumer_group_scale_out.sh:
//
//   evt_group_member CATEGORY MEMBER SIZE
//
// Connects with EVT_TEST_CONNINFO, runs under the component host until
// SIGTERM, and records each message it handles in the table
// scale_out_handled (member, stream, position, global position), in the
// order it handles them.
#include <evt/consumer/consumer.hpp>
#include <evt/consumer/host.hpp>
#include <evt/store/session.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
  if (argc != 4 || std::getenv("EVT_TEST_CONNINFO") == nullptr) {
    std::fputs("usage: EVT_TEST_CONNINFO=... evt_group_member CATEGORY MEMBER SIZE\n", stderr);
    return 2;
  }
  const std::string member = argv[2];
  evt::store::session session{{.conninfo = std::getenv("EVT_TEST_CONNINFO")}};
  evt::consumer consumer{session, {.category = argv[1],
                                   .identifier = "scaleOut",
                                   .batch_size = 50,
                                   .poll_interval = std::chrono::milliseconds{10},
                                   .position_update_interval = 10,
                                   .consumer_group = {{.member = std::stoll(member), .size = std::stoll(argv[3])}}}};
  consumer.add_handler([&](const evt::store::message_data& message) {
    session.transaction([&](evt::store::transaction& t) {
      t.execute("INSERT INTO scale_out_handled (member, stream_name, position, global_position) VALUES ($1, $2, $3, $4)",
                {member, message.stream_name, std::to_string(message.position), std::to_string(message.global_position)});
    });
  });
  return evt::host{}.add(consumer).run();
}
