// session::transaction: the application's statements and its messages
// commit together, or not at all (the message store as outbox).
#include <evt/error.hpp>
#include <evt/store/get.hpp>
#include <evt/store/put.hpp>
#include <evt/store/session.hpp>

#include "support/application_table.hpp"
#include "support/database.hpp"
#include "support/names.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>
#include <string>

namespace {

using namespace evt::test;

TEST(Transaction, CommitsApplicationWritesAndMessagesTogether) {
  application_table accounts;
  evt::store::session store{{.conninfo = conninfo()}};
  const auto stream = unique_stream_name();
  const auto position = store.transaction([&](evt::store::transaction& transaction) {
    EXPECT_EQ(transaction.execute("INSERT INTO public." + accounts.name + " VALUES ($1, $2)", {"a1", "100"}), 1);
    return evt::store::put(transaction, {.type = "Opened", .data = "{}"}, stream);
  });
  EXPECT_EQ(position, 0);
  EXPECT_EQ(accounts.rows(), 1);
  EXPECT_EQ(database{}.stream(stream).size(), 1u);
}

// A write is durable whatever the session's synchronous_commit says: what
// evt keeps in memory after a write (an entity written through its cache)
// must not outlive it in a crash. Every setting that flushes is kept
// ("local" does not wait for synchronous standbys, as its owner chose).
TEST(Transaction, AMessagePutInItMakesItsCommitDurable) {
  for (const auto& [setting, expected] : std::vector<std::pair<std::string, std::string>>{
           {"off", "on"}, {"local", "local"}, {"remote_write", "remote_write"}, {"on", "on"},
           {"remote_apply", "remote_apply"}}) {
    evt::store::session store{{.conninfo = conninfo()}};
    const auto during = store.transaction([&](evt::store::transaction& transaction) {
      transaction.query("SELECT set_config('synchronous_commit', $1, true)", {setting});  // as the role's default would
      evt::store::put(transaction, {.type = "Opened", .data = "{}"}, unique_stream_name());
      return transaction.query("SELECT current_setting('synchronous_commit')").at(0).at(0).value();
    });
    EXPECT_EQ(during, expected) << "the session's setting: " << setting;
  }
}

TEST(Transaction, RollsBackBothWhenTheWorkThrows) {
  application_table accounts;
  evt::store::session store{{.conninfo = conninfo()}};
  const auto stream = unique_stream_name();
  EXPECT_THROW(store.transaction([&](evt::store::transaction& transaction) {
    transaction.execute("INSERT INTO public." + accounts.name + " VALUES ($1, NULL)", {"a1"});
    evt::store::put(transaction, {.type = "Opened", .data = "{}"}, stream);
    throw std::runtime_error{"the application changed its mind"};
  }),
               std::runtime_error);
  EXPECT_EQ(accounts.rows(), 0);
  EXPECT_TRUE(database{}.stream(stream).empty());
}

TEST(Transaction, RollsBackBothWhenAWriteIsRefused) {
  application_table accounts;
  evt::store::session store{{.conninfo = conninfo()}};
  const auto stream = unique_stream_name();
  evt::store::put(store, {.type = "Opened", .data = "{}"}, stream);
  EXPECT_THROW(store.transaction([&](evt::store::transaction& transaction) {
    transaction.execute("INSERT INTO public." + accounts.name + " VALUES ($1, NULL)", {"a1"});
    evt::store::put(transaction, {.type = "Opened", .data = "{}"}, stream, evt::no_stream);
  }),
               evt::expected_version_error);
  EXPECT_EQ(accounts.rows(), 0);
  EXPECT_EQ(database{}.stream(stream).size(), 1u);
  // The session is usable again afterwards.
  EXPECT_EQ(evt::store::put(store, {.type = "Deposited", .data = "{}"}, stream, 0), 1);
}

TEST(Transaction, ThatCaughtAFailedStatementDoesNotPretendToCommit) {
  application_table accounts;
  evt::store::session store{{.conninfo = conninfo()}};
  const auto stream = unique_stream_name();
  const auto id = unique_id();
  try {
    store.transaction([&](evt::store::transaction& transaction) {
      transaction.execute("INSERT INTO public." + accounts.name + " VALUES ($1, NULL)", {"a1"});
      evt::store::put(transaction, {.type = "Opened", .data = "{}", .id = id}, stream);
      try {
        evt::store::put(transaction, {.type = "Opened", .data = "{}", .id = id}, stream);
      } catch (const evt::duplicate_message_id_error&) {
        // swallowed by the application
      }
    });
    FAIL() << "the transaction claimed to commit";
  } catch (const evt::store_error& error) {
    EXPECT_EQ(std::string{error.what()}, "Transaction rolled back: a statement in it failed (Operation: transaction)");
  }
  EXPECT_EQ(accounts.rows(), 0);
  EXPECT_TRUE(database{}.stream(stream).empty());
  EXPECT_EQ(evt::store::put(store, {.type = "Opened", .data = "{}"}, stream), 0) << "the session is usable again";
}

TEST(Transaction, DoesNotNest) {
  evt::store::session store{{.conninfo = conninfo()}};
  const auto stream = unique_stream_name();
  store.transaction([&](evt::store::transaction& outer) {
    try {
      store.transaction([](evt::store::transaction&) {});
      ADD_FAILURE() << "a nested transaction was opened";
    } catch (const evt::error& error) {
      EXPECT_EQ(std::string{error.what()}, "A transaction is already open on this session; transactions do not nest");
    }
    evt::store::put(outer, {.type = "Opened", .data = "{}"}, stream);
  });
  EXPECT_EQ(database{}.stream(stream).size(), 1u);
}

TEST(Transaction, CallsOnTheSessionJoinIt) {
  evt::store::session store{{.conninfo = conninfo()}};
  const auto stream = unique_stream_name();
  EXPECT_THROW(store.transaction([&](evt::store::transaction&) {
    evt::store::put(store, {.type = "Opened", .data = "{}"}, stream);
    throw std::runtime_error{"roll back"};
  }),
               std::runtime_error);
  EXPECT_TRUE(database{}.stream(stream).empty());
}

TEST(Transaction, ClosingTheSessionInsideItTakesEffectAfterIt) {
  evt::store::session store{{.conninfo = conninfo()}};
  const auto stream = unique_stream_name();
  store.transaction([&](evt::store::transaction& transaction) {
    evt::store::put(transaction, {.type = "Opened", .data = "{}"}, stream);
    store.close();
  });
  EXPECT_FALSE(store.is_connected());
  EXPECT_EQ(database{}.stream(stream).size(), 1u);
  EXPECT_EQ(evt::store::put(store, {.type = "Opened", .data = "{}"}, stream), 1);
}

TEST(Transaction, KeptToOneCategoryAWriteToAnotherIsRefusedBeforeItIsSentAndTheRestCommits) {
  evt::store::session store{{.conninfo = conninfo()}};
  const auto first = unique_stream_name();
  const auto other = unique_stream_name();  // another category
  store.transaction([&](evt::store::transaction& transaction) {
    transaction.keep_to_one_category(true);
    evt::store::put(transaction, {.type = "Opened", .data = "{}"}, first);
    evt::store::put(transaction, {.type = "Deposited", .data = "{}"}, first);
    EXPECT_THROW(evt::store::put(store, {.type = "Elsewhere", .data = "{}"}, other), evt::other_category_error);
    EXPECT_EQ(transaction.writes(), 2);
    EXPECT_EQ(transaction.refused_writes(), 1);
    EXPECT_FALSE(transaction.failed());
    transaction.keep_to_one_category(false);
    evt::store::put(transaction, {.type = "Recorded", .data = "{}"}, other + "x");
  });
  EXPECT_EQ(database{}.stream(first).size(), 2u);
  EXPECT_TRUE(database{}.stream(other).empty());
  EXPECT_EQ(database{}.stream(other + "x").size(), 1u);
}

TEST(Transaction, OneBegunOnAConnectionTheServerEndedFailsAsALostConnectionAndTheNextWorks) {
  if (conninfo() != direct_conninfo()) GTEST_SKIP() << "through a pooler the client's connection outlives the server's";
  evt::store::session store{{.conninfo = conninfo()}};
  const auto stream = unique_stream_name();
  std::string pid;
  store.transaction([&](evt::store::transaction& transaction) {
    pid = *transaction.query("SELECT pg_backend_pid()").at(0).at(0);
  });
  database superuser{conninfo_as("postgres")};
  superuser.sql("SELECT pg_terminate_backend($1::int)", pid);
  for (int waited = 0; superuser.sql("SELECT FROM pg_stat_activity WHERE pid = $1::int", pid).size() > 0; ++waited) {
    ASSERT_LT(waited, 1000) << "the backend did not end";
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  }
  // Its BEGIN finds the connection gone (under the sanitizers: nothing it
  // frees is used after).
  EXPECT_THROW(store.transaction([&](evt::store::transaction& transaction) {
    evt::store::put(transaction, {.type = "Opened", .data = "{}"}, stream);
  }),
               evt::connection_error);
  store.transaction([&](evt::store::transaction& transaction) {
    evt::store::put(transaction, {.type = "Opened", .data = "{}"}, stream);
  });
  EXPECT_EQ(database{}.stream(stream).size(), 1u);
}

TEST(Transaction, ABadStatementIsAStoreErrorNotALostConnection) {
  evt::store::session store{{.conninfo = conninfo()}};
  try {
    store.transaction([&](evt::store::transaction& transaction) { transaction.execute("SELECT $1, $2", {"only one"}); });
    FAIL() << "a statement missing a parameter ran";
  } catch (const evt::connection_error& error) {
    FAIL() << "reported as a lost connection: " << error.what();
  } catch (const evt::store_error& error) {
    EXPECT_NE(std::string{error.what()}.find("bind message supplies 1 parameters"), std::string::npos) << error.what();
  }
  EXPECT_TRUE(store.is_connected());
}

TEST(Transaction, ADeadlockIsAStoreErrorWithItsSqlstate) {
  // Each transaction writes to one category, then to the other's: writes
  // lock per category, so one of them must be chosen as the deadlock victim.
  const auto first = unique_category();
  const auto second = unique_category();
  std::atomic<int> holding{0};
  std::atomic<int> deadlocks{0};
  const auto cross = [&](const std::string& mine, const std::string& theirs) {
    evt::store::session store{{.conninfo = conninfo()}};
    try {
      store.transaction([&](evt::store::transaction& transaction) {
        evt::store::put(transaction, {.type = "A", .data = "{}"}, evt::test::stream_name(mine, "1"));
        ++holding;
        while (holding < 2) std::this_thread::yield();
        evt::store::put(transaction, {.type = "B", .data = "{}"}, evt::test::stream_name(theirs, "1"));
      });
    } catch (const evt::store_error& error) {
      if (error.sqlstate() == "40P01") ++deadlocks;
    }
  };
  std::thread one{cross, first, second};
  std::thread other{cross, second, first};
  one.join();
  other.join();
  EXPECT_EQ(deadlocks, 1);
}

// write_message reads the stream's version after taking its category's
// lock: a snapshot taken before the lock (repeatable read, the role's
// default here) would not see the writes committed before it.
TEST(Transaction, IsReadCommittedWhateverTheRolesDefault) {
  evt::store::session store{{.conninfo = direct_conninfo() + " options='-c default_transaction_isolation=serializable'"}};
  const auto isolation = store.transaction([](evt::store::transaction& transaction) {
    return transaction.query("SELECT current_setting('transaction_isolation')").at(0).at(0).value();
  });
  EXPECT_EQ(isolation, "read committed");
}

// A COMMIT the server refuses (here a deferred unique check) ended the
// transaction: an error of its own, and the connection is kept.
TEST(Transaction, ACommitTheServerRefusesIsAStoreErrorAndKeepsTheConnection) {
  evt::store::session store{{.conninfo = conninfo()}};
  const auto stream = unique_stream_name();
  evt::store::put(store, {.type = "SomeType", .data = "{}"}, stream);
  const auto generation = store.connection_generation();
  try {
    store.transaction([&](evt::store::transaction& transaction) {
      transaction.execute("CREATE TEMPORARY TABLE deferred_check (id int UNIQUE DEFERRABLE INITIALLY DEFERRED) ON COMMIT DROP");
      transaction.execute("INSERT INTO deferred_check VALUES (1), (1)");
      evt::store::put(transaction, {.type = "SomeType", .data = "{}"}, stream);
    });
    FAIL() << "the commit was not refused";
  } catch (const evt::connection_error& error) {
    FAIL() << "reported as a lost connection: " << error.what();
  } catch (const evt::store_error& error) {
    EXPECT_EQ(error.sqlstate(), "23505") << error.what();
  }
  EXPECT_EQ(store.connection_generation(), generation) << "the same connection";
  EXPECT_EQ(evt::store::stream_version(store, stream), 0) << "nothing of the transaction committed";
}

}  // namespace
