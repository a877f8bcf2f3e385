// session::transaction: the application's statements and its messages
// commit together, or not at all (the message store as outbox).
#include <evt/error.hpp>
#include <evt/store/put.hpp>
#include <evt/store/session.hpp>

#include "support/database.hpp"
#include "support/names.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace {

using namespace evt::test;

// An application table the message_store role may write.
struct accounts_table {
  database owner{conninfo_as("postgres")};
  std::string name = "accounts_" + unique_id().substr(0, 8);

  accounts_table() {
    owner.sql("CREATE TABLE public." + name + " (id text PRIMARY KEY, balance int)");
    owner.sql("GRANT SELECT, INSERT, UPDATE ON public." + name + " TO message_store");
  }
  ~accounts_table() { owner.sql("DROP TABLE public." + name); }
  int rows() { return owner.sql("SELECT count(*) FROM public." + name)[0][0].as<int>(); }
};

TEST(Transaction, CommitsApplicationWritesAndMessagesTogether) {
  accounts_table accounts;
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

TEST(Transaction, RollsBackBothWhenTheWorkThrows) {
  accounts_table accounts;
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
  accounts_table accounts;
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

}  // namespace
