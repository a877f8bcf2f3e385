// get_stream_messages: a stream's messages from a position, in batches,
// optionally filtered by a raw SQL condition.
#include "support/database.hpp"
#include "support/names.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using namespace evt::test;

std::vector<std::int64_t> positions(const std::vector<evt::test::message_row>& rows) {
  std::vector<std::int64_t> result;
  for (const auto& row : rows) result.push_back(row.position);
  return result;
}

TEST(GetStreamMessages, ReturnsOnlyThatStreamInPositionOrder) {
  database db;
  const auto stream = unique_stream_name();
  const auto other = evt::test::stream_name(db.sql("SELECT message_store.category($1)", stream)[0][0]
                                                .as<std::string>(),
                                            evt::test::unique_id());
  db.write_many(stream, 2);
  db.write(other);
  db.write(stream);

  const auto rows = db.stream(stream);
  EXPECT_EQ(positions(rows), (std::vector<std::int64_t>{0, 1, 2}));
  for (const auto& row : rows) EXPECT_EQ(row.stream_name, stream);
  EXPECT_LT(rows[1].global_position, rows[2].global_position);
}

TEST(GetStreamMessages, StartsAtThePositionGiven) {
  database db;
  const auto stream = unique_stream_name();
  db.write_many(stream, 4);
  EXPECT_EQ(positions(message_rows(db.sql("SELECT * FROM message_store.get_stream_messages($1, 2)", stream))),
            (std::vector<std::int64_t>{2, 3}));
  EXPECT_TRUE(message_rows(db.sql("SELECT * FROM message_store.get_stream_messages($1, 4)", stream)).empty());
}

TEST(GetStreamMessages, NullPositionAndBatchSizeMeanTheDefaults) {
  database db;
  const auto stream = unique_stream_name();
  db.write_many(stream, 3);
  EXPECT_EQ(positions(message_rows(
                db.sql("SELECT * FROM message_store.get_stream_messages($1, NULL, NULL)", stream))),
            (std::vector<std::int64_t>{0, 1, 2}));
}

TEST(GetStreamMessages, BatchSizeLimitsTheBatch) {
  database db;
  const auto stream = unique_stream_name();
  db.write_many(stream, 3);
  EXPECT_EQ(positions(message_rows(db.sql("SELECT * FROM message_store.get_stream_messages($1, 0, 2)", stream))),
            (std::vector<std::int64_t>{0, 1}));
  EXPECT_EQ(positions(message_rows(db.sql("SELECT * FROM message_store.get_stream_messages($1, 2, 2)", stream))),
            (std::vector<std::int64_t>{2}));
}

TEST(GetStreamMessages, BatchSizeMinusOneMeansNoLimit) {
  database db;
  const auto stream = unique_stream_name();
  db.write_many(stream, 1002);
  EXPECT_EQ(message_rows(db.sql("SELECT * FROM message_store.get_stream_messages($1)", stream)).size(), 1000u);
  EXPECT_EQ(message_rows(db.sql("SELECT * FROM message_store.get_stream_messages($1, 0, -1)", stream)).size(), 1002u);
}

TEST(GetStreamMessages, ACategoryIsAnError) {
  database db;
  EXPECT_EQ(error_of([&] { db.sql("SELECT * FROM message_store.get_stream_messages('someCategory')"); }),
            "Must be a stream name: someCategory");
  EXPECT_EQ(error_of([&] { db.sql("SELECT * FROM message_store.get_stream_messages(NULL)"); }),
            "Must be a stream name: <NULL>");
}

TEST(GetStreamMessages, ConditionFiltersWhenActivated) {
  database db;
  const auto stream = unique_stream_name();
  db.write_many(stream, 3);
  db.sql("SET message_store.sql_condition = on");
  EXPECT_EQ(positions(message_rows(db.sql(
                "SELECT * FROM message_store.get_stream_messages($1, 0, 1000, 'messages.position >= 1 AND position < 2')",
                stream))),
            (std::vector<std::int64_t>{1}));
}

TEST(GetStreamMessages, ConditionIsAnErrorWhenDeactivated) {
  database db;
  const auto stream = unique_stream_name();
  db.write(stream);
  db.sql("SET message_store.sql_condition = off");
  EXPECT_EQ(error_of([&] {
              db.sql("SELECT * FROM message_store.get_stream_messages($1, 0, 1000, 'position = 0')", stream);
            }),
            "Retrieval with SQL condition is not activated");
}

TEST(GetStreamMessages, ConditionIsAnErrorWhenNotActivated) {
  database db;
  const auto stream = unique_stream_name();
  db.write(stream);
  EXPECT_EQ(error_of([&] {
              db.sql("SELECT * FROM message_store.get_stream_messages($1, 0, 1000, 'position = 0')", stream);
            }),
            "Retrieval with SQL condition is not activated");
}

}  // namespace
