// get_category_messages: a category's messages from a global position, in
// batches, optionally correlated and filtered by a raw SQL condition.
// Consumer groups are in consumer_group_test.cpp.
#include "support/database.hpp"
#include "support/names.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using namespace evt::test;

std::vector<std::string> streams_of(const std::vector<message_row>& rows) {
  std::vector<std::string> result;
  for (const auto& row : rows) result.push_back(row.stream_name);
  return result;
}

TEST(GetCategoryMessages, ReturnsEveryStreamOfTheCategoryInGlobalPositionOrder) {
  database db;
  const auto category = unique_category();
  const auto first = stream_name(category, unique_id());
  const auto second = stream_name(category, unique_id());
  db.write(first);
  db.write(second);
  db.write(first);

  const auto rows = db.category(category);
  EXPECT_EQ(streams_of(rows), (std::vector<std::string>{first, second, first}));
  EXPECT_LT(rows[0].global_position, rows[1].global_position);
  EXPECT_LT(rows[1].global_position, rows[2].global_position);
}

TEST(GetCategoryMessages, LeavesOutOtherCategoriesEvenWithTheSamePrefixOrTypes) {
  database db;
  const auto category = unique_category();
  const auto stream = stream_name(category, unique_id());
  db.write(stream);
  db.write(stream_name(category + "Other", unique_id()));
  db.write(stream_name(category + ":command", unique_id()));

  EXPECT_EQ(streams_of(db.category(category)), (std::vector<std::string>{stream}));
  EXPECT_EQ(db.category(category + ":command").size(), 1u);
}

TEST(GetCategoryMessages, StartsAtTheGlobalPositionGiven) {
  database db;
  const auto category = unique_category();
  const auto stream = stream_name(category, unique_id());
  db.write_many(stream, 3);
  const auto all = db.category(category);
  const auto rest = db.category(category, {.position = all[1].global_position});
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(rest[0].position, 1);
  EXPECT_EQ(rest[1].position, 2);
}

TEST(GetCategoryMessages, NullPositionAndBatchSizeMeanTheDefaults) {
  database db;
  const auto category = unique_category();
  db.write_many(stream_name(category, unique_id()), 3);
  EXPECT_EQ(message_rows(db.sql("SELECT * FROM message_store.get_category_messages($1, NULL, NULL)", category)).size(),
            3u);
}

TEST(GetCategoryMessages, BatchSizeLimitsTheBatch) {
  database db;
  const auto category = unique_category();
  db.write_many(stream_name(category, unique_id()), 3);
  const auto batch = db.category(category, {.batch_size = 2});
  ASSERT_EQ(batch.size(), 2u);
  EXPECT_EQ(batch[1].position, 1);
}

TEST(GetCategoryMessages, BatchSizeZeroReturnsNothing) {
  database db;
  const auto category = unique_category();
  db.write(stream_name(category, unique_id()));
  EXPECT_TRUE(db.category(category, {.batch_size = 0}).empty());
}

TEST(GetCategoryMessages, BatchSizeMinusOneMeansNoLimit) {
  database db;
  const auto category = unique_category();
  db.write_many(stream_name(category, unique_id()), 1002);
  EXPECT_EQ(db.category(category).size(), 1000u);
  EXPECT_EQ(db.category(category, {.batch_size = -1}).size(), 1002u);
}

TEST(GetCategoryMessages, AStreamNameIsAnError) {
  database db;
  EXPECT_EQ(error_of([&] { db.sql("SELECT * FROM message_store.get_category_messages('someCategory-123')"); }),
            "Must be a category: someCategory-123");
}

TEST(GetCategoryMessages, CorrelationSelectsMessagesWhoseCorrelationStreamIsInThatCategory) {
  database db;
  const auto category = unique_category();
  const auto correlation = unique_category("correlation");
  const auto correlated_metadata = R"({"correlationStreamName": ")" + stream_name(correlation, "123") + R"("})";
  const auto correlated = stream_name(category, unique_id());
  db.write(correlated, "SomeType", correlated_metadata.c_str());
  db.write(stream_name(category, unique_id()), "SomeType", R"({"correlationStreamName": "elsewhere-1"})");
  db.write(stream_name(category, unique_id()));

  EXPECT_EQ(streams_of(db.category(category, {.correlation = correlation.c_str()})),
            (std::vector<std::string>{correlated}));
}

TEST(GetCategoryMessages, CorrelationMustBeACategory) {
  database db;
  EXPECT_EQ(error_of([&] {
              db.sql("SELECT * FROM message_store.get_category_messages('someCategory', 1, 1000, 'someCorrelation-123')");
            }),
            "Correlation must be a category (Correlation: someCorrelation-123)");
}

TEST(GetCategoryMessages, ConditionFiltersWhenActivated) {
  database db;
  const auto category = unique_category();
  db.write_many(stream_name(category, unique_id()), 3);
  db.sql("SET message_store.sql_condition = on");
  const auto rows = db.category(category, {.condition = "messages.position = 1 OR position = 2"});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].position, 1);
  EXPECT_EQ(rows[1].position, 2);
}

TEST(GetCategoryMessages, ConditionAndCorrelationTogether) {
  database db;
  const auto category = unique_category();
  const auto correlation = unique_category("correlation");
  const auto metadata = R"({"correlationStreamName": ")" + correlation + R"("})";
  const auto stream = stream_name(category, unique_id());
  db.write_many(stream, 2, metadata.c_str());
  db.write(stream);
  db.sql("SET message_store.sql_condition = on");
  const auto rows = db.category(category, {.correlation = correlation.c_str(), .condition = "position >= 1"});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].position, 1);
}

TEST(GetCategoryMessages, ConditionIsAnErrorWhenNotActivatedOrDeactivated) {
  database db;
  const auto query = "SELECT * FROM message_store.get_category_messages('someCategory', 1, 1000, NULL, NULL, NULL, 'position = 0')";
  EXPECT_EQ(error_of([&] { db.sql(query); }), "Retrieval with SQL condition is not activated");
  db.sql("SET message_store.sql_condition = off");
  EXPECT_EQ(error_of([&] { db.sql(query); }), "Retrieval with SQL condition is not activated");
}

TEST(GetCategoryMessages, ReadingMovesOnAcrossBatches) {
  database db;
  const auto category = unique_category();
  for (int i = 0; i < 5; ++i) db.write(stream_name(category, unique_id()));
  std::vector<message_row> all;
  std::int64_t position = 1;
  for (;;) {
    const auto batch = db.category(category, {.position = position, .batch_size = 2});
    all.insert(all.end(), batch.begin(), batch.end());
    if (batch.size() < 2) break;
    position = batch.back().global_position + 1;
  }
  EXPECT_EQ(streams_of(all), streams_of(db.category(category)));
  EXPECT_EQ(all.size(), 5u);
}

}  // namespace
