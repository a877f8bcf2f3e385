// get_last_stream_message: the stream's last message, optionally of a type.
#include "support/database.hpp"
#include "support/names.hpp"

#include <gtest/gtest.h>

namespace {

using namespace evt::test;

TEST(GetLastStreamMessage, IsTheMessageWithTheHighestPosition) {
  database db;
  const auto stream = unique_stream_name();
  db.write(stream, "First");
  db.write(stream, "Second");
  db.write(unique_stream_name());
  const auto rows = message_rows(db.sql("SELECT * FROM message_store.get_last_stream_message($1)", stream));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].position, 1);
  EXPECT_EQ(rows[0].type, "Second");
  EXPECT_EQ(rows[0].stream_name, stream);
}

TEST(GetLastStreamMessage, ByTypeIsTheLastMessageOfThatType) {
  database db;
  const auto stream = unique_stream_name();
  db.write(stream, "SomeType");
  db.write(stream, "SomeType");
  db.write(stream, "OtherType");
  const auto rows =
      message_rows(db.sql("SELECT * FROM message_store.get_last_stream_message($1, 'SomeType')", stream));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].position, 1);
  EXPECT_EQ(rows[0].type, "SomeType");
}

TEST(GetLastStreamMessage, IsNothingForAnEmptyStreamOrAnAbsentType) {
  database db;
  const auto stream = unique_stream_name();
  EXPECT_TRUE(message_rows(db.sql("SELECT * FROM message_store.get_last_stream_message($1)", stream)).empty());
  db.write(stream);
  EXPECT_TRUE(
      message_rows(db.sql("SELECT * FROM message_store.get_last_stream_message($1, 'Absent')", stream)).empty());
}

}  // namespace
