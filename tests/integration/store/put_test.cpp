// evt::store::put: single messages and batches, expected versions, errors.
#include <evt/error.hpp>
#include <evt/store/get.hpp>
#include <evt/store/put.hpp>

#include "support/database.hpp"
#include "support/names.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using namespace evt::test;
using evt::store::new_message;

evt::store::session session() { return evt::store::session{{.conninfo = conninfo()}}; }

new_message some_message(std::string type = "SomeType") {
  return {.type = std::move(type), .data = R"({"attribute": "some value"})"};
}

std::size_t count(const std::string& stream) { return database{}.stream(stream).size(); }

TEST(Put, ReturnsTheStreamPosition) {
  auto store = session();
  const auto stream = unique_stream_name();
  EXPECT_EQ(evt::store::put(store, some_message(), stream), 0);
  EXPECT_EQ(evt::store::put(store, some_message(), stream), 1);
}

TEST(Put, WritesTypeDataMetadataAndTheGivenId) {
  auto store = session();
  const auto stream = unique_stream_name();
  const auto id = unique_id();
  evt::store::put(store, {.type = "Deposited", .data = R"({"amount": 11.5})", .metadata = R"({"a": 1})", .id = id},
                  stream);
  const auto rows = database{}.stream(stream);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].id, id);
  EXPECT_EQ(rows[0].type, "Deposited");
  EXPECT_EQ(rows[0].data, R"({"amount": 11.5})");
  EXPECT_EQ(rows[0].metadata, R"({"a": 1})");
}

TEST(Put, GivesAMessageWithoutAnIdARandomUuid) {
  auto store = session();
  const auto stream = unique_stream_name();
  evt::store::put(store, some_message(), stream);
  evt::store::put(store, some_message(), stream);
  const auto rows = database{}.stream(stream);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_NE(rows[0].id, rows[1].id);
  EXPECT_EQ(rows[0].id.size(), 36u);
}

TEST(Put, AbsentDataAndMetadataAreNull) {
  auto store = session();
  const auto stream = unique_stream_name();
  evt::store::put(store, {.type = "SomeType"}, stream);
  const auto rows = database{}.stream(stream);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].data, std::nullopt);
  EXPECT_EQ(rows[0].metadata, std::nullopt);
}

TEST(Put, NoStreamExpectsANewStream) {
  auto store = session();
  const auto stream = unique_stream_name();
  EXPECT_EQ(evt::store::put(store, some_message(), stream, evt::no_stream), 0);
  try {
    evt::store::put(store, some_message(), stream, evt::no_stream);
    FAIL() << "wrote to an existing stream expecting no stream";
  } catch (const evt::expected_version_error& error) {
    EXPECT_EQ(std::string{error.what()}, "Wrong expected version: -1 (Stream: " + stream + ", Stream Version: 0)");
    EXPECT_EQ(error.stream_name(), stream);
    EXPECT_EQ(error.expected(), -1);
    EXPECT_EQ(error.actual(), 0);
  }
  EXPECT_EQ(count(stream), 1u);
}

TEST(Put, ExpectedVersionZeroIsARealCheck) {
  auto store = session();
  const auto stream = unique_stream_name();
  EXPECT_THROW(evt::store::put(store, some_message(), stream, 0), evt::expected_version_error);
  EXPECT_EQ(count(stream), 0u);
  evt::store::put(store, some_message(), stream);
  EXPECT_EQ(evt::store::put(store, some_message(), stream, 0), 1);
  EXPECT_THROW(evt::store::put(store, some_message(), stream, 0), evt::expected_version_error);
  EXPECT_EQ(count(stream), 2u);
}

TEST(Put, ADuplicateIdIsATypedErrorAndWritesNothing) {
  auto store = session();
  const auto stream = unique_stream_name();
  const auto id = unique_id();
  evt::store::put(store, {.type = "SomeType", .data = "{}", .id = id}, stream);
  try {
    evt::store::put(store, {.type = "SomeType", .data = "{}", .id = id}, stream);
    FAIL() << "a duplicate id was written";
  } catch (const evt::duplicate_message_id_error& error) {
    EXPECT_EQ(std::string{error.what()}, "Message ID already exists (Operation: write, Stream: " + stream + ")");
  }
  EXPECT_EQ(count(stream), 1u);
}

TEST(Put, AnInvalidIdIsAStoreErrorAndWritesNothing) {
  auto store = session();
  const auto stream = unique_stream_name();
  try {
    evt::store::put(store, {.type = "SomeType", .data = "{}", .id = "not-a-uuid"}, stream);
    FAIL() << "an invalid id was accepted";
  } catch (const evt::store_error& error) {
    EXPECT_EQ(error.sqlstate(), "22P02");
    EXPECT_EQ(std::string{error.what()}, R"(invalid input syntax for type uuid: "not-a-uuid" (Operation: write, Stream: )" +
                                             stream + ", SQLSTATE: 22P02)");
  }
  EXPECT_EQ(count(stream), 0u);
}

TEST(Put, MalformedJsonIsAStoreErrorAndWritesNothing) {
  auto store = session();
  const auto stream = unique_stream_name();
  try {
    evt::store::put(store, {.type = "SomeType", .data = R"({"amount": )"}, stream);
    FAIL() << "malformed JSON was accepted";
  } catch (const evt::store_error& error) {
    EXPECT_EQ(error.sqlstate(), "22P02");
    EXPECT_NE(std::string{error.what()}.find("invalid input syntax for type json"), std::string::npos) << error.what();
    EXPECT_NE(std::string{error.what()}.find(stream), std::string::npos) << error.what();
  }
  EXPECT_EQ(count(stream), 0u);
}

TEST(Put, AnEmptyStreamNameIsAnError) {
  auto store = session();
  EXPECT_THROW(evt::store::put(store, some_message(), ""), evt::stream_name_error);
}

TEST(Put, ANulCharacterIsAnErrorNotATruncation) {
  auto store = session();
  const auto stream = unique_stream_name();
  try {
    evt::store::put(store, {.type = std::string{"Ab\0cd", 5}, .data = "{}"}, stream);
    FAIL() << "a type with a NUL was written";
  } catch (const evt::error& error) {
    EXPECT_EQ(std::string{error.what()}, "Message type must not contain a NUL character (Stream: " + stream + ")");
  }
  EXPECT_EQ(count(stream), 0u);
}

TEST(PutBatch, WritesEveryMessageInOrderAndReturnsTheLastPosition) {
  auto store = session();
  const auto stream = unique_stream_name();
  const std::vector<new_message> batch{some_message("First"), some_message("Second"), some_message("Third")};
  EXPECT_EQ(evt::store::put(store, batch, stream), 2);
  const auto rows = database{}.stream(stream);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].type, "First");
  EXPECT_EQ(rows[1].type, "Second");
  EXPECT_EQ(rows[2].type, "Third");
  EXPECT_EQ(rows[2].position, 2);
}

TEST(PutBatch, ChecksTheExpectedVersionOfTheFirstAndChainsTheRest) {
  auto store = session();
  const auto stream = unique_stream_name();
  const std::vector<new_message> batch{some_message(), some_message()};
  EXPECT_EQ(evt::store::put(store, batch, stream, evt::no_stream), 1);
  EXPECT_EQ(evt::store::put(store, batch, stream, 1), 3);
  EXPECT_EQ(count(stream), 4u);
}

TEST(PutBatch, AWrongExpectedVersionWritesNothing) {
  auto store = session();
  const auto stream = unique_stream_name();
  evt::store::put(store, some_message(), stream);
  const std::vector<new_message> batch{some_message(), some_message()};
  try {
    evt::store::put(store, batch, stream, evt::no_stream);
    FAIL() << "the batch was written";
  } catch (const evt::expected_version_error& error) {
    EXPECT_EQ(error.expected(), -1);
    EXPECT_EQ(error.actual(), 0);
  }
  EXPECT_EQ(count(stream), 1u);
}

TEST(PutBatch, AFailureInTheMiddleWritesNothing) {
  auto store = session();
  const auto stream = unique_stream_name();
  const auto id = unique_id();
  const std::vector<new_message> batch{{.type = "A", .data = "{}", .id = id}, {.type = "B", .data = "{}", .id = id}};
  EXPECT_THROW(evt::store::put(store, batch, stream), evt::duplicate_message_id_error);
  const std::vector<new_message> malformed{some_message(), {.type = "B", .data = "{"}};
  EXPECT_THROW(evt::store::put(store, malformed, stream), evt::store_error);
  EXPECT_EQ(count(stream), 0u);
}

TEST(PutBatch, KeepsQuotesAndBackslashesInData) {
  auto store = session();
  const auto stream = unique_stream_name();
  const std::vector<new_message> batch{
      {.type = "SomeType", .data = R"({"text": "a \"quoted\" back\\slash, {brace}"})", .metadata = R"({"b": null})"}};
  evt::store::put(store, batch, stream);
  const auto rows = database{}.stream(stream);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].data, R"({"text": "a \"quoted\" back\\slash, {brace}"})");
  EXPECT_EQ(rows[0].metadata, R"({"b": null})");
}

TEST(PutBatch, AnEmptyBatchIsAnError) {
  auto store = session();
  EXPECT_THROW(evt::store::put(store, std::vector<new_message>{}, unique_stream_name()), evt::error);
}

}  // namespace
