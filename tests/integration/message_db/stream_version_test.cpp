// stream_version: the position of a stream's last message.
#include "support/database.hpp"
#include "support/names.hpp"

#include <gtest/gtest.h>

namespace {

using namespace evt::test;

TEST(StreamVersion, IsTheLastPosition) {
  database db;
  const auto stream = unique_stream_name();
  db.write_many(stream, 3);
  EXPECT_EQ(db.sql("SELECT message_store.stream_version($1)", stream)[0][0].as<int>(), 2);
}

TEST(StreamVersion, IsNullForAStreamWithoutMessages) {
  database db;
  EXPECT_TRUE(db.sql("SELECT message_store.stream_version($1)", unique_stream_name())[0][0].is_null());
}

}  // namespace
