// Writes take a transaction-scoped lock per category (not per stream).
#include "support/database.hpp"
#include "support/names.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using namespace evt::test;

template <class Transaction>
void write_in(Transaction& transaction, const std::string& stream) {
  transaction.exec_params("SELECT message_store.write_message($1, $2, 'SomeType', '{}')", unique_id(), stream);
}

void write(database& db, const std::string& stream) {
  pqxx::work transaction{db.connection()};
  write_in(transaction, stream);
  transaction.commit();
}

TEST(AcquireLock, ReturnsTheHashOfTheCategory) {
  database db;
  pqxx::work transaction{db.connection()};
  EXPECT_EQ(transaction.exec("SELECT message_store.acquire_lock('someCategory-123')")[0][0].as<std::int64_t>(),
            transaction.exec("SELECT message_store.hash_64('someCategory')")[0][0].as<std::int64_t>());
}

// Two sessions: one holds a write to the category in an open transaction,
// the other gives up waiting for a lock after 300 ms.
struct contenders {
  std::string category = unique_category();
  database holder;
  database other;
  pqxx::work holding{holder.connection()};

  contenders() {
    other.sql("SET lock_timeout = '300ms'");
    write_in(holding, stream_name(category, unique_id()));
  }
};

TEST(AcquireLock, AWriteBlocksOtherWritersToTheSameCategoryUntilItCommits) {
  contenders sessions;
  auto& [category, holder, other, holding] = sessions;

  EXPECT_EQ(error_of([&] { write(other, stream_name(category, unique_id())); }),
            "canceling statement due to lock timeout");
  EXPECT_NO_THROW(write(other, stream_name(unique_category(), unique_id())))
      << "a write to another category must not wait";

  holding.commit();
  write(other, stream_name(category, unique_id()));
  EXPECT_EQ(holder.category(category).size(), 2u);
}

TEST(AcquireLock, IsReleasedWhenTheTransactionRollsBack) {
  contenders sessions;
  sessions.holding.abort();
  write(sessions.other, stream_name(sessions.category, unique_id()));
  EXPECT_EQ(sessions.other.category(sessions.category).size(), 1u);
}

}  // namespace
