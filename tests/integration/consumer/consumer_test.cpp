// Consumers against the real store: order, positions, restarts, stops,
// errors, groups and correlation.
#include <evt/consumer/consumer.hpp>
#include <evt/consumer/position_family.hpp>
#include <evt/consumer/position_store.hpp>
#include <evt/error.hpp>
#include <evt/store/get.hpp>
#include <evt/store/put.hpp>

#include "support/database.hpp"
#include "support/names.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace evt::test;

struct fixture {
  fixture() = default;
  explicit fixture(evt::store::pool_mode mode) : session{{.conninfo = conninfo(), .pool_mode = mode}} {}

  evt::store::session session{{.conninfo = conninfo()}};
  std::string category = unique_category();

  std::vector<std::int64_t> write(int count, const char* metadata = nullptr) {
    std::vector<std::int64_t> positions;
    database db;
    for (int i = 0; i < count; ++i) {
      const auto stream = stream_name(category, unique_id());
      db.write(stream, "SomeType", metadata);
      positions.push_back(db.stream(stream).at(0).global_position);
    }
    return positions;
  }

  // The stream of the message at this global position.
  std::string stream_of(std::int64_t global_position) {
    return database{}
        .sql("SELECT stream_name FROM message_store.messages WHERE global_position = $1", global_position)[0][0]
        .as<std::string>();
  }

  // The positions a consumer with these settings and a no-op handler
  // records while it catches up.
  std::vector<std::int64_t> recorded_catching_up(evt::consumer::settings settings) {
    evt::consumer consumer{session, std::move(settings)};
    consumer.add_handler([](const evt::store::message_data&) {});
    consumer.run_until_caught_up();
    return recorded(consumer);
  }

  std::vector<std::int64_t> recorded(const evt::consumer& consumer) {
    // Position streams have no id, so get_stream_messages refuses them: read the table.
    std::vector<std::int64_t> positions;
    const auto rows = database{}.sql(
        "SELECT type, data::text FROM message_store.messages WHERE stream_name = $1 ORDER BY position",
        consumer.position_stream_name());
    for (const auto& row : rows) {
      EXPECT_EQ(row[0].as<std::string>(), "Recorded");
      positions.push_back(nlohmann::json::parse(row[1].as<std::string>()).at("position").get<std::int64_t>());
    }
    return positions;
  }
};

TEST(PositionStore, NamesStreamsAsEventideDoes) {
  EXPECT_EQ(evt::position_store::stream_name("account:command"), "account:command+position");
  EXPECT_EQ(evt::position_store::stream_name("accountTransaction"), "accountTransaction:position");
  EXPECT_EQ(evt::position_store::stream_name("someCategory", "worker1"), "someCategory:position-worker1");
  EXPECT_EQ(evt::position_store::stream_name("someCategory:someType"), "someCategory:someType+position");
  EXPECT_EQ(evt::position_store::stream_name("someCategory:position"), "someCategory:position") << "not doubled";
  EXPECT_EQ(evt::position_store::stream_name("someCategory:position+other"), "someCategory:position+other");
  EXPECT_THROW(evt::position_store::stream_name("someCategory-1"), evt::stream_name_error) << "a stream, not a category";
}

TEST(PositionStore, RecordsAndLeavesTheSessionsCommitSettingAlone) {
  fixture f;
  evt::position_store positions{f.session, evt::position_store::stream_name(f.category)};
  positions.put(41);
  positions.put(42);
  EXPECT_EQ(positions.get(), 42);
  const auto synchronous = [](evt::store::transaction& t) {
    return t.execute("SELECT 1 WHERE current_setting('synchronous_commit') = 'on'") == 1;
  };
  EXPECT_TRUE(f.session.transaction(synchronous))
      << "synchronous_commit is off for the position write's own transaction, not for the session";
  EXPECT_TRUE(f.session.transaction([&](evt::store::transaction& t) {
    positions.put(43);
    return synchronous(t);
  })) << "inside an application's transaction the position write leaves its commit alone";
  EXPECT_EQ(positions.get(), 43);
}

TEST(Consumer, HandlesTheCategoryInOrderWithEveryHandler) {
  fixture f;
  const auto positions = f.write(5);
  std::vector<std::int64_t> first, second;
  evt::consumer consumer{f.session, {.category = f.category}};
  consumer.add_handler([&](const evt::store::message_data& m) { first.push_back(m.global_position); })
      .add_handler([&](const evt::store::message_data& m) {
        EXPECT_EQ(first.back(), m.global_position) << "handlers run in the order they were added";
        second.push_back(m.global_position);
      });
  EXPECT_EQ(consumer.run_until_caught_up(), 5);
  EXPECT_EQ(first, positions);
  EXPECT_EQ(second, positions);
}

TEST(Consumer, RecordsItsPositionEveryIntervalAndWhenCaughtUp) {
  fixture f;
  const auto positions = f.write(5);
  EXPECT_EQ(f.recorded_catching_up({.category = f.category,
                                    .batch_size = 2,
                                    .position_update_interval = 2,
                                    .position_update_gap = std::chrono::milliseconds{0}}),
            (std::vector<std::int64_t>{positions[1], positions[3], positions[4]}));
}

TEST(Consumer, AtTheIntervalExactlyWithoutAGap) {
  fixture f;
  const auto positions = f.write(7);
  EXPECT_EQ(f.recorded_catching_up({.category = f.category,
                                    .position_update_interval = 2,
                                    .position_update_gap = std::chrono::milliseconds{0}}),
            (std::vector<std::int64_t>{positions[1], positions[3], positions[5], positions[6]}))
      << "within one batch too";
}

TEST(Consumer, AnUpdateDueTooSoonAfterTheLastWaitsForTheGapOrTheEnd) {
  fixture f;
  const auto positions = f.write(7);
  EXPECT_EQ(f.recorded_catching_up({.category = f.category,
                                    .batch_size = 5,
                                    .position_update_interval = 2,
                                    .position_update_gap = std::chrono::hours{1}}),
            (std::vector<std::int64_t>{positions[1], positions[6]}))
      << "the first when due (none before it), then only when caught up";
}

TEST(Consumer, ADueUpdateIsRecordedOnceTheGapHasPassed) {
  fixture f;
  const auto positions = f.write(4);
  evt::consumer consumer{f.session, {.category = f.category,
                                     .position_update_interval = 1,
                                     .position_update_gap = std::chrono::milliseconds{1000}}};
  int handled = 0;
  // The second message comes well within the gap (even on a loaded machine), the third after it.
  consumer.add_handler([&](const evt::store::message_data&) {
    if (++handled == 3) std::this_thread::sleep_for(std::chrono::milliseconds{1100});
  });
  consumer.run_until_caught_up();
  EXPECT_EQ(f.recorded(consumer), (std::vector<std::int64_t>{positions[0], positions[2], positions[3]}))
      << "the first; the third, handled after the gap; the last, caught up";
}

TEST(Consumer, RunRecordsADueUpdateWhenCaughtUp) {
  fixture f;
  const auto positions = f.write(3);
  evt::consumer consumer{f.session, {.category = f.category,
                                     .poll_interval = std::chrono::milliseconds{10},
                                     .position_update_interval = 1,
                                     .position_update_gap = std::chrono::hours{1}}};
  consumer.add_handler([](const evt::store::message_data&) {});
  std::thread running{[&] { consumer.run(); }};
  for (int i = 0; i < 500 && f.recorded(consumer).size() < 2; ++i) std::this_thread::sleep_for(std::chrono::milliseconds{10});
  EXPECT_EQ(f.recorded(consumer), (std::vector<std::int64_t>{positions[0], positions[2]})) << "before any stop";
  consumer.stop();
  running.join();
}

TEST(Consumer, ARestartResumesAtTheRecordedPositionAndNothingBefore) {
  fixture f;
  const auto positions = f.write(3);
  {
    evt::consumer consumer{f.session, {.category = f.category}};
    consumer.add_handler([](const evt::store::message_data&) {});
    consumer.run_until_caught_up();
  }
  const auto later = f.write(2);
  std::vector<std::int64_t> handled;
  evt::consumer restarted{f.session, {.category = f.category}};
  restarted.add_handler([&](const evt::store::message_data& m) { handled.push_back(m.global_position); });
  restarted.run_until_caught_up();
  EXPECT_EQ(handled, (std::vector<std::int64_t>{positions[2], later[0], later[1]}))
      << "the recorded message again (at least once), then the new ones";
}

TEST(Consumer, AHandlerErrorStopsItWithoutAdvancingThePosition) {
  fixture f;
  const auto positions = f.write(3);
  std::vector<std::string> lines;
  evt::consumer consumer{f.session, {.category = f.category,
                                     .position_update_interval = 1,
                                     .log = [&](const std::string& line) { lines.push_back(line); }}};
  consumer.add_handler([&](const evt::store::message_data& m) {
    if (m.global_position == positions[1]) throw std::runtime_error{"handler failed"};
  });
  EXPECT_THROW(consumer.run_until_caught_up(), std::runtime_error);
  EXPECT_EQ(f.recorded(consumer), (std::vector<std::int64_t>{positions[0]}));
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.back(), "Error raised (Error Class: std::runtime_error, Error Message: handler failed, Type: SomeType, "
                          "Stream Name: " + f.stream_of(positions[1]) + ", Position: 0, GlobalPosition: " +
                          std::to_string(positions[1]) + ")");
}

TEST(Consumer, AnErrorRaisedHookThatReturnsSkipsTheMessage) {
  fixture f;
  const auto positions = f.write(3);
  std::vector<std::int64_t> handled, skipped;
  evt::consumer consumer{f.session, {.category = f.category,
                                     .log = [](const std::string&) {},
                                     .error_raised = [&](std::exception_ptr, const evt::store::message_data& m) {
                                       skipped.push_back(m.global_position);
                                     }}};
  consumer.add_handler([&](const evt::store::message_data& m) {
    if (m.global_position == positions[1]) throw std::runtime_error{"handler failed"};
    handled.push_back(m.global_position);
  });
  EXPECT_EQ(consumer.run_until_caught_up(), 3);
  EXPECT_EQ(handled, (std::vector<std::int64_t>{positions[0], positions[2]}));
  EXPECT_EQ(skipped, (std::vector<std::int64_t>{positions[1]}));
  EXPECT_EQ(f.recorded(consumer), (std::vector<std::int64_t>{positions[2]}));
}

TEST(Consumer, AnErrorRaisedHookMayRethrowItsOwnError) {
  fixture f;
  f.write(1);
  evt::consumer consumer{f.session, {.category = f.category,
                                     .log = [](const std::string&) {},
                                     .error_raised = [](std::exception_ptr error, const evt::store::message_data&) {
                                       std::rethrow_exception(error);
                                     }}};
  consumer.add_handler([](const evt::store::message_data&) { throw std::logic_error{"reported, then raised"}; });
  EXPECT_THROW(consumer.run_until_caught_up(), std::logic_error);
  EXPECT_TRUE(f.recorded(consumer).empty());
}

TEST(Consumer, OptedInItRetriesAFailingHandlerWithBackoffAndGoesOn) {
  fixture f;
  const auto positions = f.write(2);
  std::vector<std::string> lines;
  std::vector<std::chrono::steady_clock::time_point> attempts;
  std::vector<std::int64_t> handled;
  evt::consumer consumer{f.session, {.category = f.category,
                                     .log = [&](const std::string& line) { lines.push_back(line); },
                                     .handler_retries = 3,
                                     .handler_retry_delay = std::chrono::milliseconds{20}}};
  consumer.add_handler([&](const evt::store::message_data& m) {
    if (m.global_position == positions[0]) {
      attempts.push_back(std::chrono::steady_clock::now());
      if (attempts.size() < 3) throw std::runtime_error{"not yet"};
    }
    handled.push_back(m.global_position);
  });
  EXPECT_EQ(consumer.run_until_caught_up(), 2);
  EXPECT_EQ(handled, positions) << "each once, in order, after the retries";
  ASSERT_EQ(attempts.size(), 3u);
  EXPECT_GE(attempts[1] - attempts[0], std::chrono::milliseconds{20});
  EXPECT_GE(attempts[2] - attempts[1], std::chrono::milliseconds{40}) << "the delay doubles";
  const auto raised = "Error raised (Error Class: std::runtime_error, Error Message: not yet, Type: SomeType, Stream Name: " +
                      f.stream_of(positions[0]) + ", Position: 0, GlobalPosition: " + std::to_string(positions[0]) + ")";
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0], raised + "; retrying in 20 ms (Retry 1 of 3)");
  EXPECT_EQ(lines[1], raised + "; retrying in 40 ms (Retry 2 of 3)");
  EXPECT_EQ(lines[2].rfind("Handled SomeType (Stream: " + f.stream_of(positions[0]), 0), 0u) << lines[2];
  EXPECT_EQ(f.recorded(consumer), (std::vector<std::int64_t>{positions[1]}));
}

TEST(Consumer, RetriesUsedUpItStopsWithoutAdvancingThePosition) {
  fixture f;
  const auto positions = f.write(2);
  int attempts = 0;
  std::vector<std::string> lines;
  evt::consumer consumer{f.session, {.category = f.category,
                                     .position_update_interval = 1,
                                     .log = [&](const std::string& line) { lines.push_back(line); },
                                     .handler_retries = 2,
                                     .handler_retry_delay = std::chrono::milliseconds{1}}};
  consumer.add_handler([&](const evt::store::message_data& m) {
    if (m.global_position == positions[1]) {
      ++attempts;
      throw std::runtime_error{"always"};
    }
  });
  EXPECT_THROW(consumer.run_until_caught_up(), std::runtime_error);
  EXPECT_EQ(attempts, 3) << "the first attempt and two retries";
  ASSERT_EQ(lines.size(), 4u) << "handled the first, two retries, then the error";
  EXPECT_NE(lines[2].find("(Retry 2 of 2)"), std::string::npos) << lines[2];
  EXPECT_EQ(lines[3].rfind("Error raised (", 0), 0u) << lines[3];
  EXPECT_EQ(lines[3].find("retrying"), std::string::npos) << lines[3];
  EXPECT_EQ(f.recorded(consumer), (std::vector<std::int64_t>{positions[0]}));
}

TEST(Consumer, StoppedWhileWaitingToRetryItLeavesTheMessageUnhandledAndUnrecorded) {
  fixture f;
  const auto positions = f.write(2);
  evt::consumer consumer{f.session, {.category = f.category,
                                     .position_update_interval = 1,
                                     .log = [](const std::string&) {},
                                     .handler_retries = 1000,
                                     .handler_retry_delay = std::chrono::seconds{60}}};
  consumer.add_handler([&](const evt::store::message_data& m) {
    if (m.global_position == positions[1]) {
      consumer.stop();
      throw std::runtime_error{"failing while stopping"};
    }
  });
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(consumer.run_until_caught_up(), 1);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds{10});
  EXPECT_EQ(f.recorded(consumer), (std::vector<std::int64_t>{positions[0]}));
}

TEST(Consumer, StopFinishesTheCurrentMessageAndRecordsThePosition) {
  fixture f;
  const auto positions = f.write(3);
  evt::consumer consumer{f.session, {.category = f.category, .poll_interval = std::chrono::milliseconds{10}}};
  std::vector<std::int64_t> handled;
  consumer.add_handler([&](const evt::store::message_data& m) {
    handled.push_back(m.global_position);
    if (handled.size() == 2) consumer.stop();
  });
  consumer.run();
  EXPECT_EQ(handled, (std::vector<std::int64_t>{positions[0], positions[1]}));
  EXPECT_EQ(f.recorded(consumer), (std::vector<std::int64_t>{positions[1]}));
}

TEST(Consumer, RunPollsUntilStoppedFromAnotherThread) {
  fixture f;
  evt::consumer consumer{f.session, {.category = f.category, .poll_interval = std::chrono::milliseconds{10}}};
  std::atomic<int> handled{0};
  consumer.add_handler([&](const evt::store::message_data&) { ++handled; });
  std::thread running{[&] { consumer.run(); }};
  f.write(2);
  for (int i = 0; i < 500 && handled < 2; ++i) std::this_thread::sleep_for(std::chrono::milliseconds{10});
  consumer.stop();
  running.join();
  EXPECT_EQ(handled, 2);
}

TEST(Consumer, GroupMembersPartitionTheCategoryWithTheirOwnPositions) {
  fixture f;
  const auto positions = f.write(12);
  std::set<std::int64_t> seen;
  std::set<std::string> position_streams;
  for (std::int64_t member = 0; member < 3; ++member) {
    evt::consumer consumer{f.session, {.category = f.category, .identifier = "worker",
                                       .consumer_group = {{.member = member, .size = 3}}}};
    consumer.add_handler([&](const evt::store::message_data& m) {
      EXPECT_TRUE(seen.insert(m.global_position).second) << "handled by two members";
    });
    consumer.run_until_caught_up();
    position_streams.insert(consumer.position_stream_name());
  }
  EXPECT_EQ(seen, std::set<std::int64_t>(positions.begin(), positions.end()));
  EXPECT_EQ(position_streams.size(), 3u);
}

TEST(Consumer, AGroupMemberRecordsItsShareWithItsPosition) {
  fixture f;
  f.write(20);  // member 1 of 2 gets some (each stream is its share with odds 1/2)
  evt::consumer consumer{f.session, {.category = f.category, .identifier = "worker",
                                     .consumer_group = {{.member = 1, .size = 2}}}};
  consumer.add_handler([](const evt::store::message_data&) {});
  consumer.run_until_caught_up();
  EXPECT_EQ(consumer.position_stream_name(), f.category + ":position-worker+1");
  const auto last = evt::store::get_last(f.session, consumer.position_stream_name());
  ASSERT_TRUE(last);
  EXPECT_EQ(nlohmann::json::parse(last->metadata.value_or("null")),
            (nlohmann::json{{"localProperties", {{"consumerGroupMember", 1}, {"consumerGroupSize", 2}}}}));
  const auto record = evt::position_store::read(*last);
  ASSERT_TRUE(record.group);
  EXPECT_EQ(record.group->member, 1);
  EXPECT_EQ(record.group->size, 2);
}

TEST(PositionStore, ReadsAPositionWithoutAGroupAndRefusesWhatIsNotOne) {
  const evt::store::message_data ruby{.type = "Recorded", .stream_name = "account:position", .position = 3,
                                      .data = R"({"position": 12})", .metadata = R"({"schemaVersion": null})"};
  const auto record = evt::position_store::read(ruby);
  EXPECT_EQ(record.position, 12);
  EXPECT_FALSE(record.group);
  auto other = ruby;
  other.data = R"({"globalPosition": 12})";
  EXPECT_THROW(evt::position_store::read(other), evt::decode_error);
  // A group no consumer can be in (another writer's) is no group.
  for (const char* group : {R"({"consumerGroupMember": 0, "consumerGroupSize": 0})",
                            R"({"consumerGroupMember": 2, "consumerGroupSize": 2})",
                            R"({"consumerGroupMember": -1, "consumerGroupSize": 2})"}) {
    auto nonsense = ruby;
    nonsense.metadata = std::string{R"({"localProperties": )"} + group + "}";
    EXPECT_FALSE(evt::position_store::read(nonsense).group) << group;
  }
  auto member = ruby;
  member.metadata = R"({"localProperties": {"consumerGroupMember": 1, "consumerGroupSize": 2}})";
  ASSERT_TRUE(evt::position_store::read(member).group);
  EXPECT_EQ(evt::position_store::read(member).group->member, 1);
}

TEST(Consumer, ReadsACategoryNotAStream) {
  fixture f;
  try {
    evt::consumer consumer{f.session, {.category = f.category + "-1"}};
    FAIL() << "a consumer of a stream";
  } catch (const evt::stream_name_error& error) {
    EXPECT_EQ(std::string{error.what()}, "Consumer's stream name must be a category (Stream Name: " + f.category + "-1)");
  }
}

TEST(Consumer, AGroupMemberNeedsAnIdentifier) {
  fixture f;
  EXPECT_THROW((evt::consumer{f.session, {.category = f.category, .consumer_group = {{.member = 0, .size = 2}}}}),
               evt::consumer_group_error);
}

TEST(Consumer, AConditionIsRefusedUnlessTheSessionOptsIn) {
  fixture f;
  const auto positions = f.write(2);
  const auto condition = "global_position = " + std::to_string(positions[1]);
  evt::consumer refused{f.session, {.category = f.category, .condition = condition}};
  refused.add_handler([](const evt::store::message_data&) {});
  EXPECT_THROW(refused.run_until_caught_up(), evt::condition_error);

  evt::store::session opted_in{{.conninfo = conninfo(), .sql_condition = true}};
  evt::consumer filtered{opted_in, {.category = f.category, .identifier = "optedIn", .condition = condition}};
  std::vector<std::int64_t> handled;
  filtered.add_handler([&](const evt::store::message_data& m) { handled.push_back(m.global_position); });
  filtered.run_until_caught_up();
  EXPECT_EQ(handled, (std::vector<std::int64_t>{positions[1]}));
}

TEST(Consumer, CorrelationFilters) {
  fixture f;
  const auto correlation = unique_category("correlation");
  const auto metadata = R"({"correlationStreamName": ")" + correlation + R"(-1"})";
  f.write(2);
  const auto correlated = f.write(1, metadata.c_str());
  std::vector<std::int64_t> handled;
  evt::consumer consumer{f.session, {.category = f.category, .correlation = correlation}};
  consumer.add_handler([&](const evt::store::message_data& m) { handled.push_back(m.global_position); });
  consumer.run_until_caught_up();
  EXPECT_EQ(handled, correlated);
}

}  // namespace

namespace {

EVT_MESSAGE(SomeType, (std::string, attribute));

struct Recorder : evt::handler {
  std::vector<std::string> attributes;
  Recorder() : evt::handler{"Recorder", true} {
    handle<SomeType>([this](const SomeType& message) { attributes.push_back(message.attribute); });
  }
};

TEST(Consumer, DispatchesToHandlersOfTheDsl) {
  fixture f;
  f.write(2);
  Recorder recorder;
  evt::consumer consumer{f.session, {.category = f.category}};
  consumer.add_handler(recorder);
  consumer.run_until_caught_up();
  EXPECT_EQ(recorder.attributes, (std::vector<std::string>{"some value", "some value"}));
}

TEST(Consumer, LogsOneLinePerHandledMessageWhenGivenASink) {
  fixture f;
  const auto positions = f.write(1);
  std::vector<std::string> lines;
  Recorder recorder;
  evt::consumer consumer{f.session, {.category = f.category, .log = [&](const std::string& line) { lines.push_back(line); }}};
  consumer.add_handler(recorder);
  consumer.run_until_caught_up();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].rfind("Handled SomeType (Stream: " + f.category + "-", 0), 0u) << lines[0];
  EXPECT_NE(lines[0].find(", Position: 0, Global Position: " + std::to_string(positions[0]) + ", Handlers: Recorder)"),
            std::string::npos)
      << lines[0];
}

TEST(Consumer, ALostConnectionStopsItWhenTransientRetriesAreOff) {
  fixture f;
  f.write(1);
  evt::store::session unreachable{{.conninfo = "host=/nonexistent port=1 connect_timeout=1"}};
  evt::consumer consumer{unreachable, {.category = f.category, .transient_retry_delay = std::chrono::milliseconds{0}}};
  consumer.add_handler([](const evt::store::message_data&) {});
  EXPECT_THROW(consumer.run_until_caught_up(), evt::connection_error);
}

TEST(Consumer, ALostConnectionIsWaitedForByDefaultWithBackoffUntilItStops) {
  fixture f;
  evt::store::session unreachable{{.conninfo = "host=/nonexistent port=1 connect_timeout=1"}};
  std::mutex mutex;
  std::vector<std::string> lines;
  evt::consumer consumer{unreachable, {.category = f.category, .log = [&](const std::string& line) {
                                         const std::lock_guard lock{mutex};
                                         lines.push_back(line);
                                       }}};
  consumer.add_handler([](const evt::store::message_data&) {});
  std::thread running{[&] { consumer.run(); }};
  const auto waited = [&](std::size_t count) {
    const std::lock_guard lock{mutex};
    return lines.size() >= count;
  };
  for (int i = 0; i < 3000 && !waited(2); ++i) std::this_thread::sleep_for(std::chrono::milliseconds{10});
  consumer.stop();
  running.join();  // no error: it was waiting, not failing
  const std::lock_guard lock{mutex};
  ASSERT_GE(lines.size(), 2u);
  EXPECT_EQ(lines[0].rfind("Connection lost; retrying in 100 ms (Category: " + f.category, 0), 0u) << lines[0];
  EXPECT_EQ(lines[1].rfind("Connection lost; retrying in 200 ms", 0), 0u) << "doubling: " << lines[1];
}

// Polls `done` every `step` until it holds or `limit` has passed; whether it held.
template <class Done>
bool eventually(std::chrono::milliseconds limit, std::chrono::milliseconds step, Done done) {
  for (const auto until = std::chrono::steady_clock::now() + limit; !done();) {
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(step);
  }
  return true;
}

// Runs the consumer in a thread until it is idle: it has handled a first
// message, then a read found nothing and it recorded its position (as it
// does once caught up). A message written after that is read only once
// something wakes it up: a notification, or the poll. Writes one through
// `writer` and returns how long it took to be handled (at most `limit`).
std::chrono::milliseconds time_to_handle_when_idle(fixture& f, evt::consumer::settings settings, database& writer,
                                                   std::chrono::seconds limit) {
  const auto first = f.write(1).at(0);
  evt::consumer consumer{f.session, std::move(settings)};
  std::atomic<int> handled{0};
  consumer.add_handler([&](const evt::store::message_data&) { ++handled; });
  std::thread running{[&] { consumer.run(); }};
  const bool idle = eventually(limit, std::chrono::milliseconds{10},
                               [&] { return f.recorded(consumer) == std::vector<std::int64_t>{first}; });
  const auto written = std::chrono::steady_clock::now();
  if (idle) {
    writer.write(stream_name(f.category, unique_id()));
    eventually(limit, std::chrono::milliseconds{1}, [&] { return handled == 2; });
  }
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - written);
  consumer.stop();
  running.join();
  EXPECT_TRUE(idle) << "no position recorded after the first message within " << limit.count() << " s";
  EXPECT_EQ(handled, 2);
  return elapsed;
}

TEST(Consumer, WakesUpOnAnAnnouncedWriteLongBeforeThePollInterval) {
  if (!notify_installed()) GTEST_SKIP() << "message_db/notify is not installed here (the compat cluster)";
  fixture f;
  database writer;
  // Far beyond the test's own timeout: a poll cannot have found the message.
  const auto elapsed = time_to_handle_when_idle(
      f, {.category = f.category, .poll_interval = std::chrono::hours{1}, .wake_on_notify = true}, writer,
      std::chrono::seconds{20});
  EXPECT_LT(elapsed, std::chrono::seconds{5}) << "woken by the notification, not by the poll after an hour";
}

TEST(Consumer, AskedToWakeUpOnNotifyItStillPollsWhenNothingAnnounces) {
  fixture f;
  // Writing as a replica applies changes, triggers off: where
  // message_db/notify is installed, its trigger stays silent too. (The
  // official functions need message_store's search path.)
  database writer{conninfo_as("postgres") +
                  " options='-c session_replication_role=replica -c search_path=message_store,public'"};
  const auto elapsed = time_to_handle_when_idle(
      f, {.category = f.category, .poll_interval = std::chrono::milliseconds{300}, .wake_on_notify = true}, writer,
      std::chrono::seconds{20});
  EXPECT_LT(elapsed, std::chrono::seconds{5}) << "found by the poll every 300 ms";
}

// Through a transaction pooler a LISTEN would stay on a server connection
// lent to others: the consumer polls instead (whether the notify part is
// installed or not), and finds the message at its poll.
TEST(Consumer, AskedToWakeUpOnNotifyThroughATransactionPoolerItPolls) {
  fixture f{evt::store::pool_mode::transaction};
  database writer;
  const auto elapsed = time_to_handle_when_idle(
      f, {.category = f.category, .poll_interval = std::chrono::milliseconds{300}, .wake_on_notify = true}, writer,
      std::chrono::seconds{20});
  EXPECT_LT(elapsed, std::chrono::seconds{5}) << "found by the poll every 300 ms";
}

// The account component's reservations record no further than its
// reserved copies' consumer handled (Eventide's position stream, which a
// Ruby component taking over reads alone, must not skip a copy).
TEST(Consumer, RecordsNoFurtherThanItIsAllowedAndNothingWhileItIsNotSaid) {
  fixture f;
  const auto positions = f.write(5);
  std::optional<std::int64_t> allowed;
  auto settings = evt::consumer::settings{.category = f.category, .record_at_most = [&] { return allowed; }};
  evt::consumer consumer{f.session, settings};
  consumer.add_handler([](const evt::store::message_data&) {});
  consumer.run_until_caught_up();
  EXPECT_TRUE(f.recorded(consumer).empty()) << "nothing, while it is not said how far it may";
  allowed = positions[2];
  f.write(1);
  consumer.run_until_caught_up();
  EXPECT_EQ(f.recorded(consumer), std::vector<std::int64_t>{positions[2]});
}

// Its first start, with nothing recorded in any of its position streams:
// where another consumer of the category resumes (the account component's
// reserved copies, after a Ruby component or a version with one consumer).
TEST(Consumer, ItsFirstStartIsWhereTheFamilyItIsGivenResumesAndThenItsOwn) {
  fixture f;
  const auto positions = f.write(5);
  const evt::position_family before{f.category, std::nullopt, "before"};
  evt::store::put(f.session, evt::position_store::recorded(positions[3]), before.stream_name(std::nullopt));
  std::vector<std::int64_t> handled;
  auto settings = evt::consumer::settings{.category = f.category, .identifier = "after", .first_start_from = before};
  {
    evt::consumer consumer{f.session, settings};
    consumer.add_handler([&](const evt::store::message_data& m) { handled.push_back(m.global_position); });
    consumer.run_until_caught_up();
  }
  EXPECT_EQ(handled, (std::vector<std::int64_t>{positions[3], positions[4]}));
  evt::store::put(f.session, evt::position_store::recorded(positions[0]), before.stream_name(std::nullopt));
  handled.clear();
  evt::consumer consumer{f.session, settings};
  consumer.add_handler([&](const evt::store::message_data& m) { handled.push_back(m.global_position); });
  consumer.run_until_caught_up();
  EXPECT_EQ(handled, std::vector<std::int64_t>{positions[4]}) << "its own position now";
}

// A recorded position past the category's last message (written by hand,
// or left from a history the store no longer has) would skip what is
// written below it later: it is not trusted beyond the last message.
TEST(Consumer, APositionPastTheCategorysLastMessageIsNotTrustedBeyondIt) {
  fixture f;
  const auto positions = f.write(2);
  std::vector<std::string> lines;
  evt::consumer consumer{f.session, {.category = f.category, .log = [&](const std::string& line) { lines.push_back(line); }}};
  std::vector<std::int64_t> handled;
  consumer.add_handler([&](const evt::store::message_data& m) { handled.push_back(m.global_position); });
  const auto far = positions[1] + 1'000'000'000'000;
  evt::store::put(f.session, evt::position_store::recorded(far), consumer.position_stream_name());
  consumer.run_until_caught_up();
  const auto later = f.write(1);
  consumer.run_until_caught_up();
  EXPECT_EQ(handled, later) << "written after it started, below the recorded position";
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0].rfind("Recorded position " + std::to_string(far) + " is past the last message of the category (global position " +
                               std::to_string(positions[1]) + ")", 0),
            0u)
      << lines[0];
}

// A group of another size whose positions were past the category's last
// message: the new group does not start beyond it, nor record that it did.
TEST(Consumer, WhereAGroupStartedIsNotTrustedBeyondTheCategorysLastMessageEither) {
  fixture f;
  const auto positions = f.write(2);
  const auto far = positions[1] + 1'000'000'000'000;
  const evt::position_family family{f.category, std::nullopt, "members"};
  for (std::int64_t member = 0; member < 2; ++member) {
    evt::store::put(f.session, evt::position_store::recorded(far, {{.member = member, .size = 2}}, far),
                    family.stream_name({{.member = member, .size = 2}}));
  }
  evt::consumer consumer{f.session, {.category = f.category,
                                     .group_identifier = "members",
                                     .consumer_group = {{.member = 0, .size = 3}},
                                     .log = [](const std::string&) {}}};
  consumer.add_handler([](const evt::store::message_data&) {});
  consumer.run_until_caught_up();
  const auto last = evt::store::get_last(f.session, consumer.position_stream_name());
  ASSERT_TRUE(last);
  const auto start = nlohmann::json::parse(last->metadata.value())["localProperties"]["consumerGroupStart"];
  EXPECT_LE(start.get<std::int64_t>(), positions[1] + 1) << *last->metadata;
}

}  // namespace
