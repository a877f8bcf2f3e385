// A consumer committing per batch (settings::commits = per_batch): what its
// handlers write for a batch and the position past it commit in one
// transaction; a failure rolls it back, the messages before the failing one
// commit without it, and the failing one is handled alone by per_write's
// rules; a batch given up (a lost connection) is delivered again with none
// of its effects.
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
#include <optional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace {

using namespace evt::test;

struct fixture {
  evt::store::session session{{.conninfo = conninfo()}};
  std::string category = unique_category();
  // Where the handlers write: one effect per message handled, not
  // idempotent (a plain write): what commits twice shows.
  std::string effects = unique_category("effect");
  std::mutex logging;
  std::vector<std::string> lines;

  // `count` messages, each to a stream of its own, or `streams` of them in turn.
  std::vector<std::string> write(int count, int streams = 0) {
    std::vector<std::string> names;
    for (int i = 0; i < (streams > 0 ? streams : count); ++i) names.push_back(stream_name(category, unique_id()));
    std::vector<std::string> written;
    for (int i = 0; i < count; ++i) {
      written.push_back(names[static_cast<std::size_t>(i) % names.size()]);
      evt::store::put(session, {.type = "SomeType", .data = R"({"n": )" + std::to_string(i) + "}"}, written.back());
    }
    return written;
  }

  evt::consumer::settings settings(int concurrency = 1) {
    return {.category = category,
            .identifier = "batches",
            .transient_retry_delay = std::chrono::milliseconds{5},
            .log = [this](const std::string& line) {
              const std::lock_guard lock{logging};
              lines.push_back(line);
            },
            .commits = evt::consumer::commits::per_batch,
            .concurrency = concurrency};
  }

  // The effect of a message, through the session that handles it.
  static void effect(evt::store::session& session, const std::string& effects, const evt::store::message_data& m) {
    evt::store::put(session, {.type = "Effect", .data = nlohmann::json{{"of", m.global_position}}.dump()},
                    stream_name(effects, "1"));
  }

  // Each message's effects: how many times each global position was written.
  std::map<std::int64_t, int> effect_counts() {
    std::map<std::int64_t, int> counts;
    for (const auto& row : database{}.sql("SELECT (data->>'of')::bigint FROM message_store.messages WHERE stream_name = $1",
                                          stream_name(effects, "1"))) {
      ++counts[row[0].as<std::int64_t>()];
    }
    return counts;
  }

  std::int64_t global_position_of(const std::string& stream, std::size_t index = 0) {
    return evt::store::get_stream(session, stream).at(index).global_position;
  }

  std::optional<std::int64_t> recorded(const evt::consumer& consumer) {
    const auto last = evt::store::get_last(session, consumer.position_stream_name());
    if (!last) return std::nullopt;
    return nlohmann::json::parse(*last->data).at("position").get<std::int64_t>();
  }

  // How many transactions wrote the effects and the positions, and whether
  // each position came in the transaction of effects.
  struct transactions {
    std::int64_t of_effects;
    std::int64_t positions_alone;
  };
  transactions transactions_of(const evt::consumer& consumer) {
    const auto counted = database{}.sql(
        "SELECT (SELECT count(DISTINCT xmin::text) FROM message_store.messages WHERE stream_name = $1),"
        " (SELECT count(*) FROM message_store.messages p WHERE p.stream_name = $2 AND NOT EXISTS"
        "   (SELECT FROM message_store.messages e WHERE e.stream_name = $1 AND e.xmin::text = p.xmin::text))",
        stream_name(effects, "1"), consumer.position_stream_name());
    return {counted[0][0].as<std::int64_t>(), counted[0][1].as<std::int64_t>()};
  }
};

std::map<std::int64_t, int> once_each(const std::vector<std::int64_t>& positions) {
  std::map<std::int64_t, int> counts;
  for (const auto position : positions) counts[position] = 1;
  return counts;
}

TEST(BatchCommits, ABatchsEffectsAndThePositionPastItCommitInOneTransactionBoundedInMessages) {
  fixture f;
  const auto streams = f.write(10);
  auto settings = f.settings();
  settings.transaction_messages = 4;
  evt::consumer consumer{f.session, settings};
  bool in_transaction = true;
  consumer.add_handler([&](const evt::store::message_data& m) {
    in_transaction = in_transaction && f.session.in_transaction();
    fixture::effect(f.session, f.effects, m);
  });
  EXPECT_EQ(consumer.run_until_caught_up(), 10);
  EXPECT_TRUE(in_transaction) << "every handler ran inside the batch's transaction";
  std::vector<std::int64_t> positions;
  for (const auto& stream : streams) positions.push_back(f.global_position_of(stream));
  EXPECT_EQ(f.effect_counts(), once_each(positions));
  const auto transactions = f.transactions_of(consumer);
  EXPECT_EQ(transactions.of_effects, 3) << "4, 4 and 2 messages";
  EXPECT_EQ(transactions.positions_alone, 0) << "each position written with the effects it follows";
  EXPECT_EQ(f.recorded(consumer), positions.back());
  EXPECT_EQ(consumer.telemetry().handled, 10);
}

TEST(BatchCommits, ATransactionTakesNoMessageOnceItsTimeHasPassed) {
  fixture f;
  f.write(3);
  auto settings = f.settings();
  settings.transaction_time = std::chrono::milliseconds{0};
  evt::consumer consumer{f.session, settings};
  consumer.add_handler([&](const evt::store::message_data& m) { fixture::effect(f.session, f.effects, m); });
  EXPECT_EQ(consumer.run_until_caught_up(), 3);
  EXPECT_EQ(f.transactions_of(consumer).of_effects, 3) << "one message each: the bound passed at once";
}

TEST(BatchCommits, AFailureRollsBackTheBatchTheMessagesBeforeItCommitWithoutItAndItIsHandledAlone) {
  fixture f;
  const auto streams = f.write(6);
  const auto poison = f.global_position_of(streams[2]);
  const auto conflicted = f.global_position_of(streams[4]);
  int conflicts = 0;
  evt::consumer consumer{f.session, f.settings()};
  consumer.add_handler([&](const evt::store::message_data& m) {
    // Its effect written first: rolled back with the batch, committed alone.
    fixture::effect(f.session, f.effects, m);
    if (m.global_position == poison) throw evt::invalid_message_error{"poison"};
    if (m.global_position == conflicted && conflicts++ < 2) throw evt::expected_version_error{"account-1", 4, 5};
  });
  EXPECT_EQ(consumer.run_until_caught_up(), 6);
  std::vector<std::int64_t> positions;
  for (const auto& stream : streams) positions.push_back(f.global_position_of(stream));
  auto expected = once_each(positions);
  // Failing in its transaction (rolled back), then alone, by per_write's
  // rules: its first attempt's write commits there, and the second succeeds.
  expected[conflicted] = 2;
  EXPECT_EQ(f.effect_counts(), expected) << "nothing of a rolled-back transaction remains";
  const auto parked = evt::dead_letter::parked(f.session, f.category);
  ASSERT_EQ(parked.size(), 1u);
  EXPECT_EQ(parked[0].original.global_position, poison);
  EXPECT_EQ(consumer.telemetry().parked, 1);
  EXPECT_EQ(consumer.telemetry().handled, 5);
  EXPECT_EQ(consumer.telemetry().rollbacks, 2) << "the poison's and the conflict's transactions, once each";
  EXPECT_EQ(consumer.telemetry().errors, 2) << "counted where each was handled alone";
  EXPECT_EQ(f.recorded(consumer), positions.back());
}

TEST(BatchCommits, MessagesItDoesNotAcceptStayPassedWhenTheirTransactionRollsBack) {
  fixture f;
  const auto streams = f.write(5);
  const auto poison = f.global_position_of(streams[4]);
  auto settings = f.settings();
  // Another consumer's messages: the second and the fourth.
  const auto mine = [](const evt::store::message_data& m) { return nlohmann::json::parse(*m.data).at("n").get<int>() % 2 == 0; };
  settings.accepts = mine;
  std::vector<std::int64_t> seen;
  evt::consumer consumer{f.session, settings};
  consumer.add_handler([&](const evt::store::message_data& m) {
    seen.push_back(m.global_position);
    if (m.global_position == poison) throw evt::invalid_message_error{"poison"};
  });
  EXPECT_EQ(consumer.run_until_caught_up(), 5);
  std::vector<std::int64_t> accepted;
  for (const auto& stream : streams) {
    const auto message = evt::store::get_stream(f.session, stream).at(0);
    if (mine(message)) accepted.push_back(message.global_position);
  }
  // The poison's transaction rolled back, those before it handled again, and it alone.
  EXPECT_EQ(seen, (std::vector<std::int64_t>{accepted[0], accepted[1], poison, accepted[0], accepted[1], poison}));
  EXPECT_EQ(evt::dead_letter::parked(f.session, f.category).size(), 1u);
  EXPECT_EQ(f.recorded(consumer), poison + 1);
}

TEST(BatchCommits, AConflictAtTheCommitHandsTheFirstMessageItAcceptsAloneAndPassesTheOthersBy) {
  fixture f;
  const auto streams = f.write(2);
  const auto others = f.global_position_of(streams[0]);
  const auto mine = f.global_position_of(streams[1]);
  // The consumer's session gives up waiting for a lock after 300 ms; another
  // session holds the lock of the position stream's category, so the
  // position's write at the commit fails with a lock timeout (a conflict).
  evt::store::session impatient{{.conninfo = direct_conninfo() + " options='-c lock_timeout=300'"}};
  auto settings = f.settings();
  settings.accepts = [&](const evt::store::message_data& m) { return m.global_position == mine; };
  evt::consumer consumer{impatient, settings};
  database holder;
  std::optional<pqxx::work> holding{std::in_place, holder.connection()};
  holding->exec_params("SELECT pg_catalog.pg_advisory_xact_lock(message_store.hash_64(message_store.category($1)))",
                       consumer.position_stream_name());
  std::vector<std::int64_t> seen;
  consumer.add_handler([&](const evt::store::message_data& m) {
    seen.push_back(m.global_position);
    if (seen.size() == 2) holding.reset();  // handled again: the lock is let go
    fixture::effect(impatient, f.effects, m);
  });
  EXPECT_EQ(consumer.run_until_caught_up(), 2);
  EXPECT_EQ(seen, (std::vector<std::int64_t>{mine, mine})) << "never " << others << ", another consumer's";
  EXPECT_EQ(f.effect_counts(), once_each({mine}));
  EXPECT_EQ(consumer.telemetry().rollbacks, 1);
  EXPECT_EQ(consumer.telemetry().handled, 1);
}

// With no delay to wait for the store, a lost connection is a handler's
// error, as per_write takes it: the message alone, and parked (parking::all),
// rather than the consumer stopped.
TEST(BatchCommits, WithoutATransientDelayALostConnectionInAHandlerIsHandledAsPerWriteWould) {
  fixture f;
  const auto streams = f.write(3);
  const auto unlucky = f.global_position_of(streams[1]);
  auto settings = f.settings();
  settings.transient_retry_delay = std::chrono::milliseconds{0};
  settings.parking = evt::consumer::parking::all;
  evt::consumer consumer{f.session, settings};
  consumer.add_handler([&](const evt::store::message_data& m) {
    if (m.global_position == unlucky) throw evt::connection_error{"lost, as a handler saw it"};
    fixture::effect(f.session, f.effects, m);
  });
  EXPECT_EQ(consumer.run_until_caught_up(), 3);
  const auto parked = evt::dead_letter::parked(f.session, f.category);
  ASSERT_EQ(parked.size(), 1u);
  EXPECT_EQ(parked[0].original.global_position, unlucky);
  EXPECT_EQ(f.effect_counts(), once_each({f.global_position_of(streams[0]), f.global_position_of(streams[2])}));
}

TEST(BatchCommits, AMessageWhoseFirstWriteGoesToAnotherCategoryBeginsTheNextTransaction) {
  fixture f;
  const auto streams = f.write(5);
  const auto elsewhere = f.global_position_of(streams[2]);
  const auto other = unique_category("other");
  evt::consumer consumer{f.session, f.settings()};
  consumer.add_handler([&](const evt::store::message_data& m) {
    if (m.global_position == elsewhere) {
      evt::store::put(f.session, {.type = "Effect", .data = nlohmann::json{{"of", m.global_position}}.dump()},
                      stream_name(other, "1"));
      return;
    }
    fixture::effect(f.session, f.effects, m);
  });
  EXPECT_EQ(consumer.run_until_caught_up(), 5);
  EXPECT_EQ(consumer.telemetry().rollbacks, 0) << "nothing was written before it was refused";
  EXPECT_EQ(consumer.telemetry().errors, 0);
  const auto transactions = database{}.sql(
      "SELECT message_store.category(stream_name), count(*), count(DISTINCT xmin::text) FROM message_store.messages"
      " WHERE stream_name IN ($1, $2) GROUP BY 1 ORDER BY 1",
      stream_name(f.effects, "1"), stream_name(other, "1"));
  ASSERT_EQ(transactions.size(), 2u);
  EXPECT_EQ(transactions[0][1].as<int>() + transactions[1][1].as<int>(), 5) << "each effect once";
  // Its own transaction for the other category, then the rest in another: 3 in all.
  EXPECT_EQ(transactions[0][2].as<int>() + transactions[1][2].as<int>(), 3);
  EXPECT_EQ(f.transactions_of(consumer).positions_alone, 1) << "the position of the other category's transaction";
}

TEST(BatchCommits, ABatchGivenUpIsDeliveredAgainWithNoneOfItsEffects) {
  fixture f;
  const auto streams = f.write(5);
  const auto lost_at = f.global_position_of(streams[3]);
  bool lost = false;
  evt::consumer consumer{f.session, f.settings()};
  consumer.add_handler([&](const evt::store::message_data& m) {
    fixture::effect(f.session, f.effects, m);
    // As a crash before the commit: the transaction never commits.
    if (m.global_position == lost_at && !lost) {
      lost = true;
      throw evt::connection_error{"lost in the middle of a batch", false};
    }
  });
  consumer.run_until_caught_up();
  std::vector<std::int64_t> positions;
  for (const auto& stream : streams) positions.push_back(f.global_position_of(stream));
  EXPECT_EQ(f.effect_counts(), once_each(positions)) << "a plain write, once, though delivered twice";
  EXPECT_EQ(consumer.telemetry().resumptions, 1);
  EXPECT_EQ(f.recorded(consumer), positions.back());
}

TEST(BatchCommits, AStatementAHandlerCaughtStillRollsTheBatchBack) {
  fixture f;
  const auto streams = f.write(3);
  const auto failing = f.global_position_of(streams[1]);
  const auto taken = stream_name(unique_category("taken"), "1");
  evt::store::put(f.session, {.type = "Taken"}, taken);
  int attempts = 0;
  evt::consumer consumer{f.session, f.settings()};
  consumer.add_handler([&](const evt::store::message_data& m) {
    fixture::effect(f.session, f.effects, m);
    if (m.global_position != failing) return;
    // The first attempt's write fails and is caught: the transaction is
    // spoilt all the same.
    if (attempts++ == 0) {
      try {
        evt::store::put(f.session, {.type = "Again"}, taken, evt::no_stream);
      } catch (const evt::expected_version_error&) {
      }
    }
  });
  EXPECT_EQ(consumer.run_until_caught_up(), 3);
  std::vector<std::int64_t> positions;
  for (const auto& stream : streams) positions.push_back(f.global_position_of(stream));
  EXPECT_EQ(f.effect_counts(), once_each(positions));
  EXPECT_EQ(attempts, 2) << "handled again, alone";
  EXPECT_TRUE(evt::dead_letter::parked(f.session, f.category).empty());
}

// A handler writing each message's effect on the session it was configured
// with: the worker's.
struct effect_writer : evt::handler {
  evt::dependency<evt::test::configured_session> where{*this};
  bool in_transaction = true;
  explicit effect_writer(const std::string& effects) {
    handle_raw([this, effects](const evt::store::message_data& m) {
      in_transaction = in_transaction && where.configured->in_transaction();
      fixture::effect(*where.configured, effects, m);
    });
  }
};

TEST(BatchCommits, WithWorkersEachWorkersShareCommitsOnItsSessionInOrderAndThePositionOnceAllHave) {
  fixture f;
  const auto streams = f.write(40, 8);
  auto settings = f.settings(3);
  settings.transaction_messages = 3;
  evt::consumer consumer{f.session, settings};
  std::vector<std::unique_ptr<effect_writer>> handlers;
  for (std::size_t worker = 0; worker < 3; ++worker) {
    consumer.add_handler(*handlers.emplace_back(std::make_unique<effect_writer>(f.effects)), worker);
  }
  EXPECT_EQ(consumer.run_until_caught_up(), 40);
  for (const auto& handler : handlers) EXPECT_TRUE(handler->in_transaction);
  std::vector<std::int64_t> positions;
  for (const auto& stream : std::set<std::string>{streams.begin(), streams.end()}) {
    for (std::size_t index = 0; index < 5; ++index) positions.push_back(f.global_position_of(stream, index));
  }
  EXPECT_EQ(f.effect_counts(), once_each(positions));
  // Each stream's effects in the order of its messages.
  const auto backwards = database{}.sql(
      "SELECT count(*) FROM (SELECT (e.data->>'of')::bigint AS of, lag((e.data->>'of')::bigint) OVER (PARTITION BY s.stream_name"
      " ORDER BY e.position) AS before FROM message_store.messages e JOIN message_store.messages s"
      " ON s.global_position = (e.data->>'of')::bigint WHERE e.stream_name = $1) t WHERE before > of",
      stream_name(f.effects, "1"));
  EXPECT_EQ(backwards[0][0].as<int>(), 0);
  EXPECT_GE(f.transactions_of(consumer).of_effects, 14) << "at most 3 messages per transaction, 5 per stream";
  EXPECT_EQ(f.recorded(consumer), f.global_position_of(streams.back(), 4));
}

}  // namespace
