// evt::store::get, get_last and stream_version: raw rows, batches and the
// errors of bad arguments (raised before anything is sent).
#include <evt/error.hpp>
#include <evt/store/get.hpp>
#include <evt/store/put.hpp>

#include "support/database.hpp"
#include "support/names.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>
#include <vector>

namespace {

using namespace evt::test;
using evt::store::category_batch;
using evt::store::stream_batch;

evt::store::session session(bool sql_condition = false) {
  return evt::store::session{{.conninfo = conninfo(), .sql_condition = sql_condition}};
}

void write(evt::store::session& store, const std::string& stream, int count, const char* type = "SomeType") {
  for (int i = 0; i < count; ++i) {
    evt::store::put(store, {.type = type, .data = R"({"n": )" + std::to_string(i) + "}"}, stream);
  }
}

template <class Error>
std::string error_text(auto&& call) {
  try {
    call();
  } catch (const Error& error) {
    return error.what();
  }
  ADD_FAILURE() << "no error of the expected type";
  return {};
}

TEST(GetStream, ReturnsEveryFieldOfTheRow) {
  auto store = session();
  const auto stream = unique_stream_name();
  const auto id = unique_id();
  evt::store::put(store, {.type = "SomeType", .data = R"({"n": 1})", .metadata = R"({"m": 2})", .id = id}, stream);

  const auto messages = evt::store::get_stream(store, stream);
  ASSERT_EQ(messages.size(), 1u);
  const auto& message = messages[0];
  EXPECT_EQ(message.id, id);
  EXPECT_EQ(message.type, "SomeType");
  EXPECT_EQ(message.stream_name, stream);
  EXPECT_EQ(message.position, 0);
  EXPECT_GT(message.global_position, 0);
  EXPECT_EQ(message.data, R"({"n": 1})");
  EXPECT_EQ(message.metadata, R"({"m": 2})");
  const auto age = std::chrono::system_clock::now() - message.time;
  EXPECT_LT(std::chrono::abs(age), std::chrono::minutes{1}) << "the time is not UTC";
}

TEST(GetStream, ReadsTimesRightWhateverTheDateStyle) {
  evt::store::session store{{.conninfo = conninfo() + " options='-c datestyle=SQL,DMY'"}};
  const auto stream = unique_stream_name();
  evt::store::put(store, {.type = "SomeType", .data = "{}"}, stream);
  const auto messages = evt::store::get_stream(store, stream);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_LT(std::chrono::abs(std::chrono::system_clock::now() - messages[0].time), std::chrono::minutes{1});
}

TEST(GetStream, ReadsFromAPositionInBatches) {
  auto store = session();
  const auto stream = unique_stream_name();
  write(store, stream, 5);
  const auto batch = evt::store::get_stream(store, stream, stream_batch{.position = 1, .batch_size = 2});
  ASSERT_EQ(batch.size(), 2u);
  EXPECT_EQ(batch[0].position, 1);
  EXPECT_EQ(batch[1].position, 2);
  EXPECT_EQ(evt::store::get_stream(store, stream, stream_batch{.batch_size = -1}).size(), 5u);
}

TEST(GetStream, ACategoryIsAnError) {
  auto store = session();
  EXPECT_EQ(error_text<evt::stream_name_error>([&] { evt::store::get_stream(store, "someCategory"); }),
            "Must be a stream name (Category: someCategory)");
}

TEST(GetStream, ConditionFiltersWhenTheSessionActivatesIt) {
  auto store = session(true);
  const auto stream = unique_stream_name();
  write(store, stream, 3);
  const auto batch = evt::store::get_stream(store, stream, stream_batch{.condition = "position >= 2"});
  ASSERT_EQ(batch.size(), 1u);
  EXPECT_EQ(batch[0].position, 2);
}

TEST(GetStream, ConditionIsATypedErrorWhenNotActivated) {
  auto store = session();
  const auto stream = unique_stream_name();
  EXPECT_EQ(error_text<evt::condition_error>(
                [&] { evt::store::get_stream(store, stream, stream_batch{.condition = "position >= 2"}); }),
            "Retrieval with SQL condition is not activated (Operation: get stream batch, Stream: " + stream + ")");
}

TEST(GetCategory, ReadsEveryStreamOfTheCategoryInGlobalOrder) {
  auto store = session();
  const auto category = unique_category();
  const auto first = stream_name(category, "1");
  const auto second = stream_name(category, "2");
  write(store, first, 1);
  write(store, second, 1);
  write(store, first, 1);
  const auto messages = evt::store::get_category(store, category, category_batch{});
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(messages[0].stream_name, first);
  EXPECT_EQ(messages[1].stream_name, second);
  EXPECT_EQ(messages[2].stream_name, first);
  const auto rest = evt::store::get_category(store, category, category_batch{.position = messages[1].global_position});
  EXPECT_EQ(rest.size(), 2u);
}

TEST(GetCategory, CorrelationAndConsumerGroupsFilter) {
  auto store = session();
  const auto category = unique_category();
  const auto correlation = unique_category("correlation");
  for (int i = 0; i < 8; ++i) {
    evt::store::put(store,
                    {.type = "SomeType",
                     .data = "{}",
                     .metadata = R"({"correlationStreamName": ")" + correlation + R"(-1"})"},
                    stream_name(category, unique_id()));
    write(store, stream_name(category, unique_id()), 1);
  }
  EXPECT_EQ(evt::store::get_category(store, category, category_batch{.correlation = correlation}).size(), 8u);
  std::set<std::int64_t> seen;
  std::size_t total = 0;
  for (std::int64_t member = 0; member < 3; ++member) {
    for (const auto& message :
         evt::store::get_category(store, category, category_batch{.consumer_group = {{.member = member, .size = 3}}})) {
      seen.insert(message.global_position);
      ++total;
    }
  }
  EXPECT_EQ(total, 16u);
  EXPECT_EQ(seen.size(), 16u) << "members shared messages";
}

TEST(GetCategory, AStreamNameIsAnError) {
  auto store = session();
  EXPECT_EQ(error_text<evt::stream_name_error>([&] { evt::store::get_category(store, "someCategory-1", category_batch{}); }),
            "Must be a category (Stream Name: someCategory-1)");
  EXPECT_EQ(error_text<evt::stream_name_error>(
                [&] { evt::store::get_category(store, "someCategory", category_batch{.correlation = "other-1"}); }),
            "Correlation must be a category (Correlation: other-1)");
  EXPECT_EQ(error_text<evt::stream_name_error>([&] { evt::store::get_category(store, ""); }),
            "Category must not be empty");
}

TEST(GetCategory, ConsumerGroupArgumentsOutOfRangeAreTypedErrors) {
  auto store = session();
  const auto group_error = [&](std::int64_t member, std::int64_t size) {
    return error_text<evt::consumer_group_error>([&] {
      evt::store::get_category(store, "someCategory", category_batch{.consumer_group = {{.member = member, .size = size}}});
    });
  };
  EXPECT_EQ(group_error(0, 0), "Consumer group size must not be less than 1 (Consumer Group Member: 0, Consumer Group Size: 0)");
  EXPECT_EQ(group_error(-1, 2), "Consumer group member must not be less than 0 (Consumer Group Member: -1, Consumer Group Size: 2)");
  EXPECT_EQ(group_error(2, 2), "Consumer group member must be less than the group size (Consumer Group Member: 2, Consumer Group Size: 2)");
}

TEST(GetCategory, ConditionIsATypedErrorWhenNotActivated) {
  auto store = session();
  EXPECT_THROW(evt::store::get_category(store, unique_category(), category_batch{.condition = "position = 0"}),
               evt::condition_error);
}

TEST(GetLast, IsTheLastMessageOrTheLastOfAType) {
  auto store = session();
  const auto stream = unique_stream_name();
  EXPECT_EQ(evt::store::get_last(store, stream), std::nullopt);
  write(store, stream, 2, "SomeType");
  write(store, stream, 1, "OtherType");
  const auto last = evt::store::get_last(store, stream);
  ASSERT_TRUE(last);
  EXPECT_EQ(last->position, 2);
  const auto last_of_type = evt::store::get_last(store, stream, "SomeType");
  ASSERT_TRUE(last_of_type);
  EXPECT_EQ(last_of_type->position, 1);
  EXPECT_EQ(evt::store::get_last(store, stream, "Absent"), std::nullopt);
}

TEST(StreamVersion, IsTheLastPositionOrNothing) {
  auto store = session();
  const auto stream = unique_stream_name();
  EXPECT_EQ(evt::store::stream_version(store, stream), std::nullopt);
  write(store, stream, 3);
  EXPECT_EQ(evt::store::stream_version(store, stream), 2);
}

// A schema that is not Message DB's (here: a position that is not a number)
// is an error naming what it returned, never a message at position 0.
TEST(Get, AColumnThatIsNotAWholeNumberIsAnErrorNotZero) {
  const auto name = "evt_not_message_db_" + unique_id().substr(0, 8);
  database admin{conninfo_as("postgres")};
  pqxx::nontransaction{admin.connection()}.exec("CREATE DATABASE " + name);
  struct drop_afterwards {
    database& admin;
    std::string name;
    ~drop_afterwards() { pqxx::nontransaction{admin.connection()}.exec("DROP DATABASE IF EXISTS " + name); }
  } cleanup{admin, name};
  {
    database fake{conninfo_as("postgres") + " dbname=" + name};
    fake.sql("CREATE SCHEMA message_store");
    fake.sql(
        "CREATE FUNCTION message_store.get_stream_messages(varchar, bigint, bigint, varchar)"
        " RETURNS TABLE (id varchar, stream_name varchar, type varchar, \"position\" text, global_position text,"
        " data varchar, metadata varchar, \"time\" timestamp)"
        " AS $$ SELECT 'i1'::varchar, $1, 'T'::varchar, 'abc'::text, '7'::text, '{}'::varchar, NULL::varchar,"
        " now()::timestamp $$ LANGUAGE sql");
  }
  {
    evt::store::session store{{.conninfo = conninfo_as("postgres") + " dbname=" + name}};
    const auto text = error_text<evt::store_error>([&] { evt::store::get_stream(store, "someStream-1"); });
    EXPECT_NE(text.find("position 'abc'"), std::string::npos) << text;
    EXPECT_NE(text.find("someStream-1"), std::string::npos) << text;
  }
}

}  // namespace
