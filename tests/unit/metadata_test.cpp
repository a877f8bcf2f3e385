#include <evt/error.hpp>
#include <evt/message/metadata.hpp>
#include <evt/message/metadata_json.hpp>

#include <gtest/gtest.h>

#include <string>

namespace {

using json = nlohmann::json;

evt::metadata preceding() {
  evt::metadata metadata{.stream_name = "account:command-123",
                         .position = 1,
                         .global_position = 2,
                         .correlation_stream_name = "someCorrelation-1",
                         .reply_stream_name = "someReply-1"};
  metadata.set_property("some_property", "some value");
  metadata.set_local_property("reserved", "original-id");
  return metadata;
}

TEST(MetadataFollow, TakesCausationCorrelationReplyAndProperties) {
  evt::metadata following;
  following.set_property("own", 1);
  following.set_property("some_property", "overwritten");
  following.follow(preceding());
  EXPECT_EQ(following.causation_message_stream_name, "account:command-123");
  EXPECT_EQ(following.causation_message_position, 1);
  EXPECT_EQ(following.causation_message_global_position, 2);
  EXPECT_EQ(following.correlation_stream_name, "someCorrelation-1");
  EXPECT_EQ(following.reply_stream_name, "someReply-1");
  EXPECT_EQ(following.properties, (json{{"own", 1}, {"some_property", "some value"}}));
  EXPECT_TRUE(following.local_properties.empty()) << "local properties must not follow";
  EXPECT_EQ(following.stream_name, std::nullopt);
  EXPECT_EQ(following.position, std::nullopt);
}

TEST(MetadataFollow, OverwritesCorrelationAndReplyEvenWithNothing) {
  evt::metadata following{.correlation_stream_name = "mine", .reply_stream_name = "mine"};
  following.follow(evt::metadata{.stream_name = "a-1", .position = 0, .global_position = 1});
  EXPECT_EQ(following.correlation_stream_name, std::nullopt);
  EXPECT_EQ(following.reply_stream_name, std::nullopt);
}

TEST(MetadataFollows, IsTrueAfterFollow) {
  evt::metadata following;
  following.follow(preceding());
  EXPECT_TRUE(following.follows(preceding()));
}

TEST(MetadataFollows, NeedsEachCausationFieldKnownAndEqual) {
  evt::metadata following;
  following.follow(preceding());
  auto other = following;
  other.causation_message_stream_name = "other-1";
  EXPECT_FALSE(other.follows(preceding()));
  other = following;
  other.causation_message_position = 7;
  EXPECT_FALSE(other.follows(preceding()));
  other = following;
  other.causation_message_global_position = 7;
  EXPECT_FALSE(other.follows(preceding()));
  EXPECT_FALSE(evt::metadata{}.follows(evt::metadata{})) << "two unknown sources are no match";
}

TEST(MetadataFollows, NeedsTheSameCorrelationAndReplyOnlyWhenThePrecedingHasThem) {
  evt::metadata following;
  following.follow(preceding());
  auto other = following;
  other.correlation_stream_name = "elsewhere-1";
  EXPECT_FALSE(other.follows(preceding()));
  other = following;
  other.reply_stream_name.reset();
  EXPECT_FALSE(other.follows(preceding()));

  auto without = preceding();
  without.correlation_stream_name.reset();
  without.reply_stream_name.reset();
  EXPECT_TRUE(following.follows(without));
}

TEST(MetadataCorrelation, ComparesCategoriesOrWholeStreamNames) {
  const evt::metadata metadata{.correlation_stream_name = "someCorrelation-1"};
  EXPECT_TRUE(metadata.is_correlated("someCorrelation"));
  EXPECT_TRUE(metadata.is_correlated("some_correlation"));
  EXPECT_TRUE(metadata.is_correlated("someCorrelation-1"));
  EXPECT_FALSE(metadata.is_correlated("someCorrelation-2"));
  EXPECT_FALSE(metadata.is_correlated("other"));
  EXPECT_FALSE(evt::metadata{}.is_correlated("someCorrelation"));
}

TEST(MetadataIdentifiers, AreStreamSlashPositionWhenBothAreKnown) {
  EXPECT_EQ(preceding().identifier(), "account:command-123/1");
  EXPECT_EQ(evt::metadata{.stream_name = "a-1"}.identifier(), std::nullopt);
  evt::metadata following;
  following.follow(preceding());
  EXPECT_EQ(following.causation_message_identifier(), "account:command-123/1");
}

TEST(MetadataReply, IsTheReplyStreamName) {
  auto metadata = preceding();
  EXPECT_TRUE(metadata.is_reply());
  metadata.clear_reply_stream_name();
  EXPECT_FALSE(metadata.is_reply());
}

TEST(MetadataProperties, CanBeSetReadAndDeleted) {
  evt::metadata metadata;
  EXPECT_EQ(metadata.property("p"), nullptr);
  metadata.set_property("p", json{{"nested", true}});
  ASSERT_NE(metadata.property("p"), nullptr);
  EXPECT_EQ(*metadata.property("p"), (json{{"nested", true}}));
  metadata.delete_property("p");
  EXPECT_EQ(metadata.property("p"), nullptr);
  metadata.set_local_property("l", 1);
  EXPECT_EQ(*metadata.local_property("l"), 1);
  metadata.delete_local_property("l");
  EXPECT_EQ(metadata.local_property("l"), nullptr);
}

TEST(MetadataJson, IsCamelCasedWithoutAbsentFieldsOrTransientOnes) {
  evt::metadata metadata;
  metadata.follow(preceding());
  metadata.set_property("some_property", json{{"inner_key", json::array({json{{"deep_key", 1}}})}});
  metadata.set_local_property("reserved", "original-id");
  metadata.stream_name = "not-written";
  const auto text = evt::metadata_json(metadata);
  ASSERT_TRUE(text);
  EXPECT_EQ(json::parse(*text), json::parse(R"({
    "causationMessageStreamName": "account:command-123",
    "causationMessagePosition": 1,
    "causationMessageGlobalPosition": 2,
    "correlationStreamName": "someCorrelation-1",
    "replyStreamName": "someReply-1",
    "properties": {"someProperty": {"innerKey": [{"deepKey": 1}]}},
    "localProperties": {"reserved": "original-id"}
  })"));
}

TEST(MetadataJson, IsNullWhenNothingIsLeft) {
  evt::metadata metadata{.message_id = "x", .stream_name = "a-1", .position = 3};
  EXPECT_EQ(evt::metadata_json(metadata), std::nullopt);
}

TEST(MetadataJson, ReadsBackSnakeCasedWithTheRowsSource) {
  const evt::store::message_data row{.id = "id-1",
                                     .type = "Deposit",
                                     .stream_name = "account:command-1",
                                     .position = 4,
                                     .global_position = 9,
                                     .metadata = R"({"causationMessagePosition": 1, "correlationStreamName": "c-1",
                                                     "properties": {"someProperty": 1}, "unknownKey": true,
                                                     "localProperties": {"reserved": "x"}})"};
  const auto metadata = evt::read_metadata(row);
  EXPECT_EQ(metadata.message_id, "id-1");
  EXPECT_EQ(metadata.stream_name, "account:command-1");
  EXPECT_EQ(metadata.position, 4);
  EXPECT_EQ(metadata.global_position, 9);
  EXPECT_EQ(metadata.causation_message_position, 1);
  EXPECT_EQ(metadata.correlation_stream_name, "c-1");
  EXPECT_EQ(metadata.properties, (json{{"some_property", 1}}));
  EXPECT_EQ(metadata.local_properties, (json{{"reserved", "x"}}));
}

TEST(MetadataJson, RoundTripsTheSchemaVersionAndIgnoresNulls) {
  const evt::metadata written{.schema_version = "2"};
  EXPECT_EQ(evt::metadata_json(written), R"({"schemaVersion":"2"})");
  const auto read = evt::read_metadata({.type = "T", .stream_name = "a-1",
                                        .metadata = R"({"schemaVersion": "2", "replyStreamName": null})"});
  EXPECT_EQ(read.schema_version, "2");
  EXPECT_EQ(read.reply_stream_name, std::nullopt);
}

TEST(MetadataJson, NullMetadataReadsAsEmpty) {
  const auto metadata = evt::read_metadata({.id = "id-1", .type = "T", .stream_name = "a-1"});
  EXPECT_TRUE(metadata.properties.empty());
  EXPECT_TRUE(metadata.local_properties.empty());
  EXPECT_EQ(metadata.causation_message_stream_name, std::nullopt);
}

TEST(MetadataJson, MalformedOrMistypedIsADecodeErrorNamingTheField) {
  const evt::store::message_data malformed{.type = "Deposit", .stream_name = "a-1", .position = 2, .metadata = "{"};
  try {
    evt::read_metadata(malformed);
    FAIL() << "malformed metadata was read";
  } catch (const evt::decode_error& error) {
    EXPECT_EQ(error.field(), "metadata");
    EXPECT_EQ(std::string{error.what()}.rfind("Cannot decode the message (Stream: a-1, Position: 2, Type: Deposit, Field: metadata, Cause: ", 0), 0u);
  }
  const evt::store::message_data fractional{.type = "Deposit", .stream_name = "a-1", .position = 2,
                                            .metadata = R"({"causationMessagePosition": 1.9})"};
  EXPECT_THROW(evt::read_metadata(fractional), evt::decode_error);
  for (const auto* beyond : {R"({"causationMessagePosition": 18446744073709551615})",
                             R"({"causationMessageGlobalPosition": 9223372036854775808})"}) {
    const evt::store::message_data wrapping{.type = "Deposit", .stream_name = "a-1", .position = 2, .metadata = beyond};
    EXPECT_THROW(evt::read_metadata(wrapping), evt::decode_error) << beyond << " would wrap around";
  }
  const evt::store::message_data deep{.type = "Deposit", .stream_name = "a-1", .position = 2,
                                      .metadata = R"({"properties": {"a": )" + std::string(100000, '[') +
                                                  std::string(100000, ']') + "}}"};
  EXPECT_THROW(evt::read_metadata(deep), evt::decode_error);
  const evt::store::message_data mistyped{.type = "Deposit", .stream_name = "a-1", .position = 2,
                                          .metadata = R"({"causationMessagePosition": "one"})"};
  try {
    evt::read_metadata(mistyped);
    FAIL() << "a mistyped field was read";
  } catch (const evt::decode_error& error) {
    EXPECT_EQ(error.field(), "metadata.causation_message_position");
  }
}

TEST(KeyCasing, RenamesKeysInsideObjectsAndArraysButNotValues) {
  const json value = {{"some_key", {{"inner_key", "value_text"}}}, {"list_key", json::array({json{{"deep_key", 1}}})}};
  const auto camel = evt::camel_cased_keys(value);
  EXPECT_EQ(camel, (json{{"someKey", {{"innerKey", "value_text"}}}, {"listKey", json::array({json{{"deepKey", 1}}})}}));
  EXPECT_EQ(evt::snake_cased_keys(camel), value);
}

}  // namespace
