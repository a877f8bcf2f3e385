// One member of a consumer group, as its own process, for
// consumer_group_scale_out.sh:
//
//   evt_group_member CATEGORY MEMBER SIZE
//
// Connects with EVT_TEST_CONNINFO (or --database), runs under the
// component host until SIGTERM, and records each message it handles in the
// table scale_out_handled (member, stream, position, global position), in
// the order it handles them.
#include <evt/consumer/consumer.hpp>
#include <evt/consumer/host.hpp>
#include <evt/store/session.hpp>

#include <CLI/CLI.hpp>

#include <string>

int main(int argc, char** argv) {
  CLI::App app{"One member of a consumer group, recording what it handles in scale_out_handled.", "evt_group_member"};
  std::string conninfo;
  std::string category;
  std::int64_t member = 0;
  std::int64_t size = 1;
  app.add_option("--database", conninfo, "libpq conninfo of the store")->envname("EVT_TEST_CONNINFO")->required();
  app.add_option("CATEGORY", category, "the category the group consumes")->required();
  app.add_option("MEMBER", member, "this member")->required()->check(CLI::NonNegativeNumber);
  app.add_option("SIZE", size, "the group's size")->required()->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);

  evt::store::session session{{.conninfo = conninfo}};
  evt::consumer consumer{session, {.category = category,
                                   .identifier = "scaleOut",
                                   .batch_size = 50,
                                   .poll_interval = std::chrono::milliseconds{10},
                                   .position_update_interval = 10,
                                   .consumer_group = {{.member = member, .size = size}}}};
  consumer.add_handler([&](const evt::store::message_data& message) {
    session.transaction([&](evt::store::transaction& t) {
      t.execute("INSERT INTO scale_out_handled (member, stream_name, position, global_position) VALUES ($1, $2, $3, $4)",
                {std::to_string(member), message.stream_name, std::to_string(message.position),
                 std::to_string(message.global_position)});
    });
  });
  return evt::host{}.add(consumer).run();
}
