// hash_64, category, id, cardinal_id and is_category: the pure functions
// everything else is built on.
#include "support/database.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace {

using namespace evt::test;

std::optional<std::string> text_of(database& db, const std::string& function, const char* argument) {
  const auto result = db.sql("SELECT message_store." + function + "($1)::text", argument);
  if (result[0][0].is_null()) return std::nullopt;
  return result[0][0].as<std::string>();
}

TEST(Hash64, IsTheFirst64BitsOfTheMd5AsASignedInteger) {
  database db;
  EXPECT_EQ(text_of(db, "hash_64", "123"), "2318431741638412123");
  EXPECT_EQ(text_of(db, "hash_64", "abc"), "-8070080442485551184");
  EXPECT_EQ(text_of(db, "hash_64", nullptr), std::nullopt);
}

TEST(Category, IsEverythingBeforeTheFirstDash) {
  database db;
  EXPECT_EQ(text_of(db, "category", "someStream-123"), "someStream");
  EXPECT_EQ(text_of(db, "category", "someStream-123-456"), "someStream");
  EXPECT_EQ(text_of(db, "category", "someStream:command+x-a+b"), "someStream:command+x");
}

TEST(Category, OfACategoryIsTheCategory) {
  database db;
  EXPECT_EQ(text_of(db, "category", "someStream"), "someStream");
}

TEST(IsCategory, IsTrueOnlyWithoutADash) {
  database db;
  EXPECT_EQ(text_of(db, "is_category", "someStream"), "true");
  EXPECT_EQ(text_of(db, "is_category", "someStream:command"), "true");
  EXPECT_EQ(text_of(db, "is_category", "someStream-123"), "false");
  EXPECT_EQ(text_of(db, "is_category", "someStream-"), "false");
}

TEST(IsCategory, IsTrueForNull) {
  database db;
  EXPECT_EQ(text_of(db, "is_category", nullptr), "true");
}

TEST(Id, IsEverythingAfterTheFirstDash) {
  database db;
  EXPECT_EQ(text_of(db, "id", "someStream-123"), "123");
  EXPECT_EQ(text_of(db, "id", "someStream-a1b2-c3d4"), "a1b2-c3d4");
  EXPECT_EQ(text_of(db, "id", "someStream-123+456"), "123+456");
}

TEST(Id, IsNullForACategoryAndEmptyForATrailingDash) {
  database db;
  EXPECT_EQ(text_of(db, "id", "someStream"), std::nullopt);
  EXPECT_EQ(text_of(db, "id", "someStream-"), "");
}

TEST(CardinalId, IsTheFirstPartOfACompoundId) {
  database db;
  EXPECT_EQ(text_of(db, "cardinal_id", "someStream-123+456"), "123");
  EXPECT_EQ(text_of(db, "cardinal_id", "someStream-123"), "123");
  EXPECT_EQ(text_of(db, "cardinal_id", "someStream:command-123+456+789"), "123");
}

TEST(CardinalId, IsNullForACategoryAndEmptyForATrailingDash) {
  database db;
  EXPECT_EQ(text_of(db, "cardinal_id", "someStream"), std::nullopt);
  EXPECT_EQ(text_of(db, "cardinal_id", "someStream-"), "");
}

TEST(MessageStoreVersion, Is130) {
  database db;
  EXPECT_EQ(db.sql("SELECT message_store.message_store_version()")[0][0].as<std::string>(), "1.3.0");
}

}  // namespace
