// A consumer with workers (settings::concurrency): each stream handled by
// one worker, in order, on its own session; positions, parking, failures and
// stops as the consumer alone has them; and messages it does not accept.
#include <evt/consumer/consumer.hpp>
#include <evt/dead_letter/dead_letter.hpp>
#include <evt/error.hpp>
#include <evt/handler/dependency.hpp>
#include <evt/handler/handler.hpp>
#include <evt/store/get.hpp>
#include <evt/store/put.hpp>

#include "support/configured_session.hpp"
#include "support/database.hpp"
#include "support/names.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace evt::test;

struct fixture {
  evt::store::session session{{.conninfo = conninfo()}};
  std::string category = unique_category();

  // `per_stream` messages to each of `count` new streams, interleaved: the
  // streams in the order written.
  std::vector<std::string> write(int count, int per_stream) {
    std::vector<std::string> streams;
    for (int i = 0; i < count; ++i) streams.push_back(stream_name(category, unique_id()));
    for (int n = 0; n < per_stream; ++n) {
      for (const auto& stream : streams) {
        evt::store::put(session, {.type = "SomeType", .data = R"({"n": )" + std::to_string(n) + "}"}, stream);
      }
    }
    return streams;
  }

  evt::consumer::settings settings(int concurrency) {
    return {.category = category,
            .identifier = "workers",
            .batch_size = 25,
            .transient_retry_delay = std::chrono::milliseconds{5},
            .log = [this](const std::string& line) {
              const std::lock_guard lock{logging};
              lines.push_back(line);
            },
            .concurrency = concurrency};
  }

  std::optional<std::int64_t> recorded(const evt::consumer& consumer) {
    const auto last = evt::store::get_last(session, consumer.position_stream_name());
    if (!last) return std::nullopt;
    return nlohmann::json::parse(*last->data).at("position").get<std::int64_t>();
  }

  std::int64_t last_position() {
    return database{}
        .sql("SELECT max(global_position) FROM message_store.messages WHERE message_store.category(stream_name) = $1",
             category)[0][0]
        .as<std::int64_t>();
  }

  std::mutex logging;
  std::vector<std::string> lines;
};

// What each worker saw: (stream, position) in the order it handled them,
// and on which thread and session.
struct seen {
  std::mutex mutex;
  std::map<std::size_t, std::vector<std::pair<std::string, std::int64_t>>> by_worker;
  std::map<std::size_t, std::set<std::thread::id>> threads;

  evt::consumer::handler recorder(std::size_t worker) {
    return [this, worker](const evt::store::message_data& message) {
      const std::lock_guard lock{mutex};
      by_worker[worker].emplace_back(message.stream_name, message.position);
      threads[worker].insert(std::this_thread::get_id());
    };
  }
};

TEST(ConsumerWorkers, EachStreamIsHandledByOneWorkerInOrderAndThePositionIsTheLastMessage) {
  fixture f;
  const auto streams = f.write(12, 5);
  seen seen;
  evt::consumer consumer{f.session, f.settings(4)};
  for (std::size_t worker = 0; worker < 4; ++worker) consumer.add_handler(seen.recorder(worker), worker);
  EXPECT_EQ(consumer.concurrency(), 4);
  EXPECT_EQ(consumer.run_until_caught_up(), 60);

  std::map<std::string, std::size_t> worker_of;
  std::size_t handled = 0;
  for (const auto& [worker, messages] : seen.by_worker) {
    std::map<std::string, std::int64_t> next;
    for (const auto& [stream, position] : messages) {
      const auto [known, first] = worker_of.emplace(stream, worker);
      EXPECT_EQ(known->second, worker) << stream << " went to two workers";
      EXPECT_EQ(position, next[stream]++) << stream << " out of order";
      ++handled;
    }
  }
  EXPECT_EQ(handled, 60u) << "each message once";
  EXPECT_EQ(worker_of.size(), streams.size());
  EXPECT_GT(seen.by_worker.size(), 1u) << "12 streams, 4 workers: more than one worked";
  EXPECT_EQ(consumer.telemetry().handled, 60);
  EXPECT_EQ(f.recorded(consumer), f.last_position());
}

struct handler_with_a_session : evt::handler {
  evt::dependency<evt::test::configured_session> where{*this};
};

TEST(ConsumerWorkers, EachWorkersHandlerIsConfiguredWithASessionOfItsOwn) {
  fixture f;
  handler_with_a_session first, second, third;
  evt::consumer consumer{f.session, f.settings(3)};
  consumer.add_handler(first, 0).add_handler(second, 1).add_handler(third, 2);
  const std::set<evt::store::session*> sessions{first.where.configured, second.where.configured, third.where.configured};
  EXPECT_EQ(sessions.size(), 3u);
  EXPECT_FALSE(sessions.contains(&f.session)) << "the consumer's own session reads and records positions";
  EXPECT_FALSE(sessions.contains(nullptr));
  EXPECT_EQ(first.where.configured->settings().conninfo, f.session.settings().conninfo);
}

TEST(ConsumerWorkers, AWorkerWithoutHandlersIsRefusedBeforeAnythingIsRead) {
  fixture f;
  f.write(2, 1);
  evt::consumer consumer{f.session, f.settings(3)};
  consumer.add_handler([](const evt::store::message_data&) {}, 0).add_handler([](const evt::store::message_data&) {}, 1);
  try {
    consumer.run_until_caught_up();
    FAIL() << "ran with a worker without handlers";
  } catch (const evt::error& refused) {
    EXPECT_STREQ(refused.what(),
                 ("Worker 2 has 0 handlers, worker 0 has 1: each worker needs handlers of its own, "
                  "add_handler(handler, worker) (Category: " + f.category + ")").c_str());
  }
  EXPECT_EQ(consumer.telemetry().handled, 0);
  EXPECT_THROW(consumer.add_handler([](const evt::store::message_data&) {}, 3), evt::error) << "no worker 3";
  EXPECT_THROW((evt::consumer{f.session, f.settings(0)}), evt::error);
}

TEST(ConsumerWorkers, AFailureStopsItAndRecordsNothingPastTheFailedMessage) {
  fixture f;
  const auto streams = f.write(6, 3);
  const auto failing = evt::store::get_stream(f.session, streams[2]).at(1).global_position;
  evt::consumer consumer{f.session, f.settings(3)};
  for (std::size_t worker = 0; worker < 3; ++worker) {
    consumer.add_handler(
        [&](const evt::store::message_data& message) {
          if (message.global_position == failing) throw std::logic_error{"a bug"};
        },
        worker);
  }
  EXPECT_THROW(consumer.run_until_caught_up(), std::logic_error);
  const auto recorded = f.recorded(consumer);
  EXPECT_TRUE(!recorded || *recorded < failing) << "recorded " << *recorded << ", failed at " << failing;
}

TEST(ConsumerWorkers, APoisonMessageIsParkedOnceEvenWhenItIsHandledAgain) {
  fixture f;
  const auto streams = f.write(5, 2);
  const auto poison = evt::store::get_stream(f.session, streams[3]).at(0).global_position;
  const auto handler = [&](const evt::store::message_data& message) {
    if (message.global_position == poison) throw evt::invalid_message_error{"Amount must be greater than zero"};
  };
  for (int run = 0; run < 2; ++run) {
    evt::consumer consumer{f.session, f.settings(2)};
    consumer.add_handler(handler, 0).add_handler(handler, 1);
    EXPECT_EQ(consumer.run_until_caught_up(), 10);
    EXPECT_EQ(consumer.telemetry().parked, 1);
    EXPECT_EQ(consumer.telemetry().handled, 9);
    EXPECT_EQ(f.recorded(consumer), f.last_position());
    // As if the batch's position had not been recorded: from the start again.
    evt::store::put(f.session, evt::position_store::recorded(1), consumer.position_stream_name());
  }
  const auto parked = evt::dead_letter::parked(f.session, f.category);
  ASSERT_EQ(parked.size(), 1u) << "parked once";
  EXPECT_EQ(parked[0].original.global_position, poison);
  EXPECT_EQ(parked[0].reason.error, "Amount must be greater than zero");
}

// A crash between the two could only deliver the parked message again: its
// cause fixed meanwhile, it would take effect, and its letter, replayed
// later, take effect once more.
TEST(ConsumerWorkers, AParkedMessagesDeadLetterAndThePositionPastItCommitTogether) {
  fixture f;
  const auto streams = f.write(5, 2);
  const auto poison = evt::store::get_stream(f.session, streams[1]).at(0).global_position;
  const auto handler = [&](const evt::store::message_data& message) {
    if (message.global_position == poison) throw evt::invalid_message_error{"Amount must be greater than zero"};
  };
  auto settings = f.settings(2);
  settings.position_update_interval = 1;
  settings.position_update_gap = std::chrono::milliseconds{0};
  evt::consumer consumer{f.session, settings};
  consumer.add_handler(handler, 0).add_handler(handler, 1);
  EXPECT_EQ(consumer.run_until_caught_up(), 10);
  const auto parked = evt::dead_letter::parked(f.session, f.category);
  ASSERT_EQ(parked.size(), 1u);
  const auto recorded = database{}.sql("SELECT (data->>'position')::bigint FROM message_store.messages"
                                       " WHERE stream_name = $1 ORDER BY position",
                                       consumer.position_stream_name());
  for (std::size_t i = 1; i < recorded.size(); ++i) {
    EXPECT_GE(recorded[i][0].as<std::int64_t>(), recorded[i - 1][0].as<std::int64_t>()) << "never backwards";
  }
  const auto together = database{}.sql(
      "SELECT count(*) FROM message_store.messages p WHERE p.stream_name = $1"
      " AND (p.data->>'position')::bigint > $2::bigint"
      " AND p.xmin::text = (SELECT xmin::text FROM message_store.messages WHERE id = $3::uuid)",
      consumer.position_stream_name(), poison, parked[0].dead_letter.id);
  EXPECT_EQ(together[0][0].as<int>(), 1) << "the position past it, in the dead letter's transaction";
}

TEST(ConsumerWorkers, AConflictIsHandledAgainByItsWorkerAlone) {
  fixture f;
  f.write(4, 2);
  std::atomic<int> failures{0};
  std::atomic<int> handled{0};
  const auto handler = [&](const evt::store::message_data& message) {
    if (message.position == 1 && failures.fetch_add(1) < 2) {
      throw evt::expected_version_error{message.stream_name, 0, 1};
    }
    ++handled;
  };
  evt::consumer consumer{f.session, f.settings(2)};
  consumer.add_handler(handler, 0).add_handler(handler, 1);
  EXPECT_EQ(consumer.run_until_caught_up(), 8);
  EXPECT_EQ(handled, 8);
  EXPECT_EQ(consumer.telemetry().errors, 2);
  EXPECT_EQ(consumer.telemetry().parked, 0);
}

// Alone or with workers: what it does not accept passes it by, uncounted,
// and its position moves past it.
TEST(ConsumerWorkers, MessagesItDoesNotAcceptPassItBy) {
  for (const int concurrency : {1, 3}) {
    fixture f;
    f.write(6, 2);
    std::mutex mutex;
    std::vector<std::int64_t> handled;
    auto settings = f.settings(concurrency);
    settings.accepts = [](const evt::store::message_data& message) { return message.position == 0; };
    evt::consumer consumer{f.session, settings};
    for (int worker = 0; worker < concurrency; ++worker) {
      consumer.add_handler(
          [&](const evt::store::message_data& message) {
            const std::lock_guard lock{mutex};
            handled.push_back(message.position);
          },
          static_cast<std::size_t>(worker));
    }
    EXPECT_EQ(consumer.run_until_caught_up(), 12) << "concurrency " << concurrency;
    EXPECT_EQ(handled, std::vector<std::int64_t>(6, 0)) << "concurrency " << concurrency;
    EXPECT_EQ(consumer.telemetry().handled, 6);
    EXPECT_EQ(f.recorded(consumer), f.last_position()) << "past the last, which it did not accept";
  }
}

}  // namespace
