// evt::store::session: where it connects, as whom.
#include <evt/error.hpp>
#include <evt/store/get.hpp>
#include <evt/store/notifications.hpp>
#include <evt/store/put.hpp>
#include <evt/store/session.hpp>
#include <evt/stream_name.hpp>

#include "support/database.hpp"
#include "support/names.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <future>
#include <thread>
#include <map>
#include <sstream>
#include <string>

namespace {

using namespace evt::test;

std::map<std::string, std::string> conninfo_parts() {
  std::map<std::string, std::string> parts;
  std::istringstream words{conninfo()};
  for (std::string word; words >> word;) {
    const auto equals = word.find('=');
    parts[word.substr(0, equals)] = word.substr(equals + 1);
  }
  return parts;
}

TEST(Session, ConnectsOnFirstUse) {
  evt::store::session store{{.conninfo = conninfo()}};
  EXPECT_FALSE(store.is_connected());
  EXPECT_EQ(evt::store::stream_version(store, unique_stream_name()), std::nullopt);
  EXPECT_TRUE(store.is_connected());
  store.close();
  EXPECT_FALSE(store.is_connected());
}

TEST(Session, ConnectsFromLibpqsEnvironment) {
  auto parts = conninfo_parts();
  struct unset_afterwards {
    ~unset_afterwards() {
      for (const char* name : {"PGHOST", "PGPORT", "PGDATABASE", "PGUSER"}) unsetenv(name);
    }
  } cleanup;
  ASSERT_EQ(setenv("PGHOST", parts["host"].c_str(), 1), 0);
  ASSERT_EQ(setenv("PGPORT", parts["port"].c_str(), 1), 0);
  ASSERT_EQ(setenv("PGDATABASE", parts["dbname"].c_str(), 1), 0);
  ASSERT_EQ(setenv("PGUSER", parts["user"].c_str(), 1), 0);
  evt::store::session store;
  const auto stream = unique_stream_name();
  EXPECT_EQ(evt::store::put(store, {.type = "SomeType", .data = "{}"}, stream), 0);
  EXPECT_EQ(database{}.stream(stream).size(), 1u);
}

TEST(Session, WorksAsAnyRoleWithAnySearchPath) {
  if (official_message_db()) GTEST_SKIP() << "the official functions need message_store on the search_path";
  evt::store::session store{{.conninfo = conninfo_as("postgres") + " options='-c search_path=pg_catalog'"}};
  const auto stream = unique_stream_name();
  EXPECT_EQ(evt::store::put(store, {.type = "SomeType", .data = "{}"}, stream, evt::no_stream), 0);
  EXPECT_EQ(evt::store::get_stream(store, stream).size(), 1u);
  EXPECT_EQ(evt::store::get_category(store, evt::category(stream), evt::store::category_batch{}).size(), 1u);
}

TEST(Session, AnUnreachableServerIsAConnectionError) {
  evt::store::session store{{.conninfo = "host=/nonexistent port=1 connect_timeout=2"}};
  try {
    evt::store::stream_version(store, "someStream-1");
    FAIL() << "connected to nothing";
  } catch (const evt::connection_error& error) {
    EXPECT_EQ(std::string{error.what()}.rfind("Cannot connect to the message store (Operation: stream version, Stream: someStream-1, Cause: ", 0), 0u)
        << error.what();
  }
}

// One session is one connection: a second thread's call while a first one
// is inside (here: in a transaction) is refused before it reaches the
// connection; the session may change threads between calls.
TEST(Session, ACallFromAnotherThreadWhileOneIsInsideIsRefused) {
  evt::store::session store{{.conninfo = conninfo()}};
  const auto stream = unique_stream_name();
  std::promise<void> inside;
  std::promise<void> leave;
  std::thread holder{[&] {
    store.transaction([&](evt::store::transaction& transaction) {
      evt::store::put(transaction, {.type = "SomeType", .data = "{}"}, stream);
      inside.set_value();
      leave.get_future().wait();
    });
  }};
  inside.get_future().wait();
  std::string refusal;
  try {
    evt::store::stream_version(store, stream);
  } catch (const evt::error& error) {
    refusal = error.what();
  }
  leave.set_value();
  holder.join();
  EXPECT_NE(refusal.find("in use by another thread"), std::string::npos) << refusal;
  EXPECT_EQ(evt::store::stream_version(store, stream), 0) << "the transaction committed; this thread may use it now";
}

// What a session leaves on its server connection, seen from that
// connection: prepared statements, channels listened to, and whether SQL
// conditions are on for the whole session.
struct leftovers {
  std::string prepared;
  std::string listening;
  std::string sql_condition;
};

leftovers after_a_session_of_work(evt::store::pool_mode mode) {
  evt::store::session store{{.conninfo = direct_conninfo(), .sql_condition = true, .pool_mode = mode}};
  const auto stream = unique_stream_name();
  evt::store::put(store, {.type = "SomeType", .data = "{}"}, stream);
  EXPECT_EQ(evt::store::get_stream(store, stream, {.condition = "type = 'SomeType'"}).size(), 1u);
  EXPECT_EQ(evt::store::get_category(store, evt::category(stream), {.condition = "type = 'SomeType'"}).size(), 1u);
  evt::store::listen(store, "message_store");
  return store.transaction([](evt::store::transaction& t) {
    const auto row = t.query(
        "SELECT (SELECT count(*) FROM pg_prepared_statements), (SELECT count(*) FROM pg_listening_channels()),"
        " coalesce(current_setting('message_store.sql_condition', true), '')")[0];
    return leftovers{row[0].value(), row[1].value(), row[2].value()};
  });
}

// Through a transaction pooler the next transaction may get another server
// connection, and this one goes to another client: nothing may stay on it.
TEST(Session, InTransactionPoolModeNothingOutlivesATransactionOnTheServer) {
  const auto pooled = after_a_session_of_work(evt::store::pool_mode::transaction);
  EXPECT_EQ(pooled.prepared, "0");
  EXPECT_EQ(pooled.listening, "0");
  EXPECT_EQ(pooled.sql_condition, "off") << "Message DB allows conditions when it is '' (what SET LOCAL leaves)";
  // The control: a session of its own keeps its prepared statements and
  // LISTENs; a condition is allowed read by read all the same.
  const auto own = after_a_session_of_work(evt::store::pool_mode::session);
  EXPECT_NE(own.prepared, "0");
  EXPECT_EQ(own.listening, "1");
  EXPECT_EQ(own.sql_condition, "off");
}

// The first thing on a fresh connection is a read whose condition the
// server refuses: conditions are off afterwards all the same (not the ''
// Message DB would take for on).
TEST(Session, ARefusedConditionReadLeavesConditionsOff) {
  for (const auto mode : {evt::store::pool_mode::session, evt::store::pool_mode::transaction}) {
    evt::store::session store{{.conninfo = direct_conninfo(), .sql_condition = true, .pool_mode = mode}};
    EXPECT_THROW(evt::store::get_stream(store, unique_stream_name(), {.condition = "nonsense("}), evt::store_error);
    const auto setting = store.transaction([](evt::store::transaction& t) {
      return t.query("SELECT coalesce(current_setting('message_store.sql_condition', true), 'NULL')")[0][0].value();
    });
    EXPECT_EQ(setting, "off");
  }
}

// A read with a condition inside a transaction that then rolls back would
// leave '' (conditions allowed) on a connection that had none: refused, and
// the connection's conditions stay off.
TEST(Session, AConditionReadInsideATransactionIsRefusedAndLeavesConditionsOff) {
  evt::store::session store{{.conninfo = direct_conninfo(), .sql_condition = true}};
  const auto stream = unique_stream_name();
  std::string refusal;
  try {
    store.transaction([&](evt::store::transaction&) {
      evt::store::get_stream(store, stream, {.condition = "position >= 0"});
    });
  } catch (const evt::condition_error& error) {
    refusal = error.what();
  }
  EXPECT_EQ(refusal, "A read with a condition is not taken inside a transaction (Operation: get stream batch, Stream: " +
                         stream + ")");
  const auto setting = store.transaction([](evt::store::transaction& t) {
    return t.query("SELECT coalesce(current_setting('message_store.sql_condition', true), 'NULL')")[0][0].value();
  });
  EXPECT_EQ(setting, "NULL") << "nothing set on the connection (Message DB takes '' for on)";
}

}  // namespace
