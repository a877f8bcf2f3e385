// write_message: positions, expected versions, ids, and what a failed write
// leaves behind (nothing, but a gap in global positions).
#include "support/database.hpp"
#include "support/names.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace evt::test;

TEST(WriteMessage, ReturnsTheStreamPositionStartingAtZero) {
  database db;
  const auto stream = unique_stream_name();
  EXPECT_EQ(db.write(stream), 0);
  EXPECT_EQ(db.write(stream), 1);
  EXPECT_EQ(db.write(stream), 2);
}

TEST(WriteMessage, StoresTheMessageAsGiven) {
  database db;
  const auto stream = unique_stream_name();
  const auto id = unique_id();
  db.sql("SELECT message_store.write_message($1, $2, 'SomeType', $3, $4)", id, stream,
         R"({"attribute": "some value"})", R"({"metaAttribute": "some meta value"})");

  const auto rows = db.stream(stream);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].id, id);
  EXPECT_EQ(rows[0].stream_name, stream);
  EXPECT_EQ(rows[0].type, "SomeType");
  EXPECT_EQ(rows[0].position, 0);
  EXPECT_EQ(rows[0].data, R"({"attribute": "some value"})");
  EXPECT_EQ(rows[0].metadata, R"({"metaAttribute": "some meta value"})");
}

TEST(WriteMessage, StoresTheTimeInUtc) {
  database db;
  const auto stream = unique_stream_name();
  db.write(stream);
  const auto skew = db.sql(
      "SELECT abs(extract(epoch FROM (m.time - (now() AT TIME ZONE 'utc'))))"
      " FROM message_store.get_stream_messages($1) m",
      stream)[0][0].as<double>();
  EXPECT_LT(skew, 60.0);
}

TEST(WriteMessage, MetadataAndDataMayBeNull) {
  database db;
  const auto stream = unique_stream_name();
  db.sql("SELECT message_store.write_message($1, $2, 'SomeType', NULL)", unique_id(), stream);
  const auto rows = db.stream(stream);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].data, std::nullopt);
  EXPECT_EQ(rows[0].metadata, std::nullopt);
}

TEST(WriteMessage, ExpectedVersionMinusOneMeansTheStreamDoesNotExist) {
  database db;
  const auto stream = unique_stream_name();
  EXPECT_EQ(db.write(stream, "SomeType", nullptr, -1), 0);
  EXPECT_EQ(error_of([&] { db.write(stream, "SomeType", nullptr, -1); }),
            "Wrong expected version: -1 (Stream: " + stream + ", Stream Version: 0)");
}

TEST(WriteMessage, ExpectedVersionIsTheLastPosition) {
  database db;
  const auto stream = unique_stream_name();
  db.write(stream);
  EXPECT_EQ(db.write(stream, "SomeType", nullptr, 0), 1);
  EXPECT_EQ(db.write(stream, "SomeType", nullptr, 1), 2);
}

TEST(WriteMessage, WrongExpectedVersionIsAnErrorAndWritesNothing) {
  database db;
  const auto stream = unique_stream_name();
  db.write(stream);
  EXPECT_EQ(error_of([&] { db.write(stream, "SomeType", nullptr, 1); }),
            "Wrong expected version: 1 (Stream: " + stream + ", Stream Version: 0)");
  EXPECT_EQ(error_of([&] { db.write(unique_stream_name(), "SomeType", nullptr, 0); }).rfind(
                "Wrong expected version: 0 (Stream: ", 0),
            0u);
  EXPECT_EQ(db.stream(stream).size(), 1u);
}

TEST(WriteMessage, AnInvalidIdIsAnError) {
  database db;
  const auto stream = unique_stream_name();
  EXPECT_EQ(error_of([&] {
              db.sql("SELECT message_store.write_message('not-a-uuid', $1, 'SomeType', '{}')", stream);
            }),
            R"(invalid input syntax for type uuid: "not-a-uuid")");
  EXPECT_TRUE(db.stream(stream).empty());
}

TEST(WriteMessage, AnInvalidIdDrawsNoGlobalPosition) {
  database db;
  db.write(unique_stream_name());
  const auto drawn = [&] {
    return db.sql("SELECT currval('message_store.messages_global_position_seq')")[0][0].as<std::int64_t>();
  };
  const auto before = drawn();
  EXPECT_THROW(db.sql("SELECT message_store.write_message('not-a-uuid', $1, 'SomeType', '{}')", unique_stream_name()),
               pqxx::data_exception);
  EXPECT_EQ(drawn(), before) << "the invalid id was checked after the insert drew a global position";
}

TEST(WriteMessage, ConcurrentWritersToOneStreamGetContiguousPositions) {
  const auto stream = unique_stream_name();
  constexpr int writers = 4;
  constexpr int messages_each = 25;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int writer = 0; writer < writers; ++writer) {
    threads.emplace_back([&] {
      try {
        database db;
        for (int i = 0; i < messages_each; ++i) db.write(stream);
      } catch (const std::exception&) {
        ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures, 0);

  database db;
  const auto rows = db.stream(stream);
  ASSERT_EQ(rows.size(), static_cast<std::size_t>(writers * messages_each));
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].position, static_cast<std::int64_t>(i));
    if (i > 0) {
      EXPECT_GT(rows[i].global_position, rows[i - 1].global_position);
    }
  }
}

TEST(WriteMessage, ADuplicateIdViolatesMessagesIdAndWritesNothing) {
  database db;
  const auto stream = unique_stream_name();
  const auto id = unique_id();
  db.sql("SELECT message_store.write_message($1, $2, 'SomeType', '{}')", id, stream);
  try {
    db.sql("SELECT message_store.write_message($1, $2, 'SomeType', '{}')", id, unique_stream_name());
    FAIL() << "a second message with the same id was written";
  } catch (const pqxx::unique_violation& error) {
    EXPECT_EQ(evt::test::primary_message(error),
              R"(duplicate key value violates unique constraint "messages_id")");
  }
  EXPECT_EQ(db.stream(stream).size(), 1u);
}

TEST(WriteMessage, AFailedWriteLeavesAGapInGlobalPositions) {
  database db;
  const auto stream = unique_stream_name();
  const auto id = unique_id();
  db.sql("SELECT message_store.write_message($1, $2, 'SomeType', '{}')", id, stream);
  EXPECT_THROW(db.sql("SELECT message_store.write_message($1, $2, 'SomeType', '{}')", id, stream),
               pqxx::unique_violation);
  // The failed insert drew a global position from the sequence and kept it.
  const auto burnt = db.sql("SELECT currval('message_store.messages_global_position_seq')")[0][0]
                         .as<std::int64_t>();
  db.write(stream);

  const auto rows = db.stream(stream);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_LT(rows[0].global_position, burnt);
  EXPECT_GT(rows[1].global_position, burnt);
  EXPECT_EQ(db.sql("SELECT count(*) FROM message_store.messages WHERE global_position = $1", burnt)[0][0]
                .as<int>(),
            0);
  // Reading from the missing position starts at the next message.
  const auto category = db.sql("SELECT message_store.category($1)", stream)[0][0].as<std::string>();
  const auto after_gap = evt::test::message_rows(
      db.sql("SELECT * FROM message_store.get_category_messages($1, $2)", category, burnt));
  ASSERT_EQ(after_gap.size(), 1u);
  EXPECT_EQ(after_gap[0].position, 1);
}

}  // namespace
