// The server restarts under a session (pg_ctl restart of the throwaway
// cluster): the call that finds the connection gone fails with a retriable
// connection_error and writes nothing; the next call reconnects.
#include <evt/consumer/consumer.hpp>
#include <evt/entity/entity_store.hpp>
#include <evt/write/writer.hpp>
#include <evt/error.hpp>
#include <evt/store/get.hpp>
#include <evt/store/put.hpp>
#include <evt/store/session.hpp>

#include "support/account.hpp"
#include "support/database.hpp"
#include "support/names.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <set>
#include <thread>
#include <string>

namespace {

using namespace evt::test;

void restart_the_server() {
  const auto parameters = conninfo();
  const auto host_start = parameters.find("host=") + 5;
  const auto host = parameters.substr(host_start, parameters.find(' ', host_start) - host_start);
  const auto command = std::string{EVT_CLUSTER_SCRIPT} + " restart " + host;
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
}

evt::store::new_message some_message() { return {.type = "SomeType", .data = "{}"}; }

TEST(Reconnect, AWriteOnALostConnectionFailsRetriablyWritesNothingAndTheNextReconnects) {
  evt::store::session store{{.conninfo = conninfo()}};
  const auto stream = unique_stream_name();
  ASSERT_EQ(evt::store::put(store, some_message(), stream), 0);

  restart_the_server();

  try {
    evt::store::put(store, some_message(), stream);
    FAIL() << "the write on a dead connection succeeded";
  } catch (const evt::connection_error& error) {
    const std::string text = error.what();
    EXPECT_EQ(text.rfind("Connection to the message store lost; the write may or may not have been committed "
                         "(Operation: write, Stream: " + stream + ", Cause: ", 0),
              0u)
        << text;
    EXPECT_TRUE(error.outcome_unknown());
  }
  EXPECT_FALSE(store.is_connected());
  EXPECT_EQ(database{}.stream(stream).size(), 1u) << "the failed write was retried behind the caller's back";

  EXPECT_EQ(evt::store::put(store, some_message(), stream), 1);
  EXPECT_TRUE(store.is_connected());
}

TEST(Reconnect, AReadOnALostConnectionFailsRetriablyAndTheNextReconnects) {
  evt::store::session store{{.conninfo = conninfo()}};
  const auto stream = unique_stream_name();
  evt::store::put(store, some_message(), stream);

  restart_the_server();

  EXPECT_THROW(evt::store::get_stream(store, stream), evt::connection_error);
  EXPECT_EQ(evt::store::get_stream(store, stream).size(), 1u);
}

TEST(Reconnect, ATransactionOnALostConnectionRollsBackAndTheNextReconnects) {
  evt::store::session store{{.conninfo = conninfo()}};
  const auto stream = unique_stream_name();
  evt::store::put(store, some_message(), stream);

  try {
    store.transaction([&](evt::store::transaction& transaction) {
      evt::store::put(transaction, some_message(), stream);
      restart_the_server();
      evt::store::put(transaction, some_message(), stream);
    });
    FAIL() << "the transaction on a dead connection succeeded";
  } catch (const evt::connection_error& error) {
    EXPECT_FALSE(error.outcome_unknown()) << "lost before COMMIT: rolled back for sure";
    EXPECT_NE(std::string{error.what()}.find("lost; the transaction was rolled back (Operation: write, Stream: " + stream),
              std::string::npos)
        << error.what();
  }
  EXPECT_EQ(database{}.stream(stream).size(), 1u);
  EXPECT_EQ(evt::store::put(store, some_message(), stream), 1);
}

// Runs a consumer with these settings (of a new category) in a thread:
// one message written before a server restart, one after (`settle` later);
// returns how many different messages it handled (the first may be handled
// again, resumed from the store's recorded position), waiting at most 10 s
// for each.
int handled_across_a_restart(evt::consumer::settings settings, std::chrono::milliseconds settle) {
  evt::store::session session{{.conninfo = conninfo()}};
  const auto category = settings.category;
  evt::consumer consumer{session, std::move(settings)};
  std::mutex mutex;
  std::set<std::int64_t> handled;
  consumer.add_handler([&](const evt::store::message_data& message) {
    const std::lock_guard lock{mutex};
    handled.insert(message.global_position);
  });
  std::thread running{[&] { consumer.run(); }};
  const auto count = [&] {
    const std::lock_guard lock{mutex};
    return static_cast<int>(handled.size());
  };
  const auto wait_for = [&](int wanted) {
    for (int i = 0; i < 1000 && count() < wanted; ++i) std::this_thread::sleep_for(std::chrono::milliseconds{10});
  };
  database{}.write(stream_name(category, unique_id()));
  wait_for(1);
  restart_the_server();
  std::this_thread::sleep_for(settle);
  database{}.write(stream_name(category, unique_id()));
  wait_for(2);
  consumer.stop();
  running.join();
  return count();
}

TEST(Reconnect, AConsumerWithRetriesCarriesOnAcrossAServerRestart) {
  EXPECT_EQ(handled_across_a_restart({.category = unique_category(),
                                      .poll_interval = std::chrono::milliseconds{10},
                                      .transient_retry_delay = std::chrono::milliseconds{50}},
                                     std::chrono::milliseconds{0}),
            2);
}

TEST(Reconnect, AConsumerWakingOnNotifyListensAgainAfterAServerRestart) {
  if (!notify_installed()) GTEST_SKIP() << "message_db/notify is not installed here (the compat cluster)";
  // Polling only every 60 s: the second message is handled within the 10 s
  // only if the consumer listens again after reconnecting.
  EXPECT_EQ(handled_across_a_restart({.category = unique_category(),
                                      .poll_interval = std::chrono::seconds{60},
                                      .transient_retry_delay = std::chrono::milliseconds{50},
                                      .wake_on_notify = true},
                                     std::chrono::milliseconds{500}),
            2);
}

TEST(Reconnect, AHandlerThatLosesTheConnectionGetsTheSameMessageAgainOnceItIsBack) {
  evt::store::session session{{.conninfo = conninfo()}};
  const auto category = unique_category();
  const auto output = stream_name(unique_category(), unique_id());
  evt::consumer consumer{session, {.category = category,
                                   .poll_interval = std::chrono::milliseconds{10},
                                   .transient_retry_delay = std::chrono::milliseconds{50},
                                   .log = [](const std::string&) {}}};
  std::vector<std::int64_t> attempts;
  consumer.add_handler([&](const evt::store::message_data& m) {
    attempts.push_back(m.global_position);
    if (attempts.size() == 1) restart_the_server();  // the handler's write below finds it gone
    evt::store::put(session, some_message(), output);
  });
  database{}.write(stream_name(category, unique_id()));
  EXPECT_EQ(consumer.run_until_caught_up(), 1);
  ASSERT_EQ(attempts.size(), 2u) << "the failed attempt, then the same message again";
  EXPECT_EQ(attempts[0], attempts[1]);
  EXPECT_EQ(database{}.stream(output).size(), 1u) << "the write after the restart, once";
}

// After a lost connection the consumer does not go on from where it had
// read: what it handled since its last recorded position may be gone from
// the store (a crash, a failover to a standby that was behind), so it
// resumes from the position the store has recorded, and handles those
// messages again (its handlers are idempotent).
TEST(Reconnect, AConsumerResumesFromThePositionTheStoreRecordedAfterALostConnection) {
  evt::store::session session{{.conninfo = conninfo()}};
  const auto category = unique_category();
  for (int i = 0; i < 3; ++i) database{}.write(stream_name(category, unique_id()));
  std::vector<std::string> lines;
  evt::consumer consumer{session, {.category = category,
                                   .position_update_interval = 1000,
                                   .transient_retry_delay = std::chrono::milliseconds{50},
                                   .log = [&](const std::string& line) { lines.push_back(line); }}};
  std::vector<std::int64_t> handled;
  consumer.add_handler([&](const evt::store::message_data& m) {
    handled.push_back(m.position);
    if (handled.size() == 3) restart_the_server();
    evt::store::put(session, some_message(), stream_name(category + ":out", "1"));  // finds it gone, the third time
  });
  EXPECT_EQ(consumer.run_until_caught_up(), 5) << "two, then the three from the start again (nothing recorded)";
  EXPECT_EQ(handled.size(), 6u) << "three attempts before the restart, three after";
  EXPECT_EQ(consumer.telemetry().resumptions, 1);
  EXPECT_NE(std::find(lines.begin(), lines.end(),
                      "Resumed from global position 1, the position recorded in the store (Category: " + category +
                          ", Position Stream: " + category + ":position)"),
            lines.end());
}

// An entity written through its cache is answered without a read; once
// its session's connection was lost, the cache is forgotten: the server
// that answers now may not have what was read.
TEST(Reconnect, AnEntityStoresCacheIsForgottenWhenItsSessionsConnectionIsLost) {
  evt::store::session session{{.conninfo = conninfo()}};
  const auto category = unique_category();
  auto accounts = evt::entity_store<Account>::build(session, category, account_projection());
  const auto id = unique_id();
  const auto stream = stream_name(category, id);
  evt::writer write = evt::writer::build(session);
  const auto deposited = [&](int amount) { return Deposited{.account_id = id, .amount = evt::money{amount}}; };
  write(deposited(1), stream);
  ASSERT_EQ(accounts.fetch(id).entity.balance, evt::money{1});
  const auto position = write(deposited(10), stream);
  accounts.written(id, deposited(10), position);
  evt::writer::build(session)(deposited(100), stream);  // "another writer's": not seen through the cache
  EXPECT_EQ(accounts.fetch(id).entity.balance, evt::money{11});

  restart_the_server();
  EXPECT_THROW(evt::store::get_last(session, stream), evt::connection_error);
  EXPECT_EQ(accounts.fetch(id).entity.balance, evt::money{111}) << "read again from the store";
}

}  // namespace
