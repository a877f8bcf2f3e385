// The six summary views. Other tests write concurrently, so each check reads
// the view and the total in one statement (one snapshot).
#include "support/database.hpp"
#include "support/names.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using namespace evt::test;

struct summary {
  const char* view;
  const char* key_columns;
  const char* own_rows;  // selects this test's rows: $1 is the category
  int expected_rows;
  int expected_count_of_first;
};

class SummaryView : public testing::TestWithParam<summary> {};

TEST_P(SummaryView, CountsMessagesAndTheirShareOfAll) {
  database db;
  const auto& view = GetParam();
  const auto category = unique_category();
  // Ids that sort: "1..." before "2...".
  const auto first = stream_name(category, std::string{"1"}.append(unique_id()));
  const auto second = stream_name(category, std::string{"2"}.append(unique_id()));
  db.write(first, "SomeType");
  db.write(first, "SomeType");
  db.write(first, "OtherType" + category);
  db.write(second, "SomeType");

  const auto result = db.sql(std::string{"SELECT "} + view.key_columns +
                                 ", message_count, percent::text AS percent,"
                                 " round(message_count * 100.0 / (SELECT count(*) FROM message_store.messages), 2)::text AS expected_percent"
                                 " FROM message_store." + view.view + " WHERE " + view.own_rows,
                             category);
  ASSERT_EQ(static_cast<int>(result.size()), view.expected_rows);
  EXPECT_EQ(result[0]["message_count"].as<int>(), view.expected_count_of_first);
  for (const auto& row : result) EXPECT_EQ(row["percent"].as<std::string>(), row["expected_percent"].as<std::string>());
}

INSTANTIATE_TEST_SUITE_P(
    Views, SummaryView,
    testing::Values(
        summary{"stream_summary", "stream_name", "message_store.category(stream_name) = $1", 2, 3},
        summary{"type_summary", "type", "type = 'OtherType' || $1", 1, 1},
        summary{"stream_type_summary", "stream_name, type", "message_store.category(stream_name) = $1", 3, 1},
        summary{"type_stream_summary", "type, stream_name", "message_store.category(stream_name) = $1", 3, 1},
        summary{"category_type_summary", "category, type", "category = $1", 2, 1},
        summary{"type_category_summary", "type, category", "category = $1", 2, 1}),
    [](const testing::TestParamInfo<summary>& info) { return std::string{info.param.view}; });

TEST(Views, AreOrderedByTheirKeys) {
  database db;
  const auto category = unique_category();
  db.write(stream_name(category, "b"), "SomeType");
  db.write(stream_name(category, "a"), "SomeType");
  const auto rows = db.sql("SELECT stream_name FROM message_store.stream_summary WHERE message_store.category(stream_name) = $1", category);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0][0].as<std::string>(), category + "-a");
  EXPECT_EQ(rows[1][0].as<std::string>(), category + "-b");
}

}  // namespace
