// Writes take a transaction-scoped lock per category (not per stream).
#include "support/database.hpp"
#include "support/names.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using evt::test::database;
using evt::test::error_of;
using evt::test::stream_name;
using evt::test::unique_category;
using evt::test::unique_id;

std::string write_sql(const std::string& stream) {
  return "SELECT message_store.write_message('" + unique_id() + "', '" + stream + "', 'SomeType', '{}')";
}

TEST(AcquireLock, ReturnsTheHashOfTheCategory) {
  database db;
  pqxx::work transaction{db.connection()};
  EXPECT_EQ(transaction.exec("SELECT message_store.acquire_lock('someCategory-123')")[0][0].as<std::int64_t>(),
            transaction.exec("SELECT message_store.hash_64('someCategory')")[0][0].as<std::int64_t>());
}

TEST(AcquireLock, AWriteBlocksOtherWritersToTheSameCategoryUntilItCommits) {
  const auto category = unique_category();
  database holder;
  database other;
  other.sql("SET lock_timeout = '300ms'");

  pqxx::work holding{holder.connection()};
  holding.exec(write_sql(stream_name(category, unique_id())));

  EXPECT_EQ(error_of([&] { other.sql(write_sql(stream_name(category, unique_id()))); }),
            "canceling statement due to lock timeout");
  EXPECT_NO_THROW(other.sql(write_sql(stream_name(unique_category(), unique_id()))))
      << "a write to another category must not wait";

  holding.commit();
  other.sql(write_sql(stream_name(category, unique_id())));
  EXPECT_EQ(holder.category(category).size(), 2u);
}

TEST(AcquireLock, IsReleasedWhenTheTransactionRollsBack) {
  const auto category = unique_category();
  database holder;
  database other;
  other.sql("SET lock_timeout = '300ms'");
  {
    pqxx::work holding{holder.connection()};
    holding.exec(write_sql(stream_name(category, unique_id())));
    holding.abort();
  }
  other.sql(write_sql(stream_name(category, unique_id())));
  EXPECT_EQ(other.category(category).size(), 1u);
}

}  // namespace
