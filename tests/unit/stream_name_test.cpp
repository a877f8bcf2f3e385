#include <evt/error.hpp>
#include <evt/stream_name.hpp>

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace {

using strings = std::vector<std::string_view>;

std::string error_of(auto&& compose) {
  try {
    compose();
  } catch (const evt::stream_name_error& error) {
    return error.what();
  }
  ADD_FAILURE() << "no stream_name_error";
  return {};
}

TEST(StreamNameParsing, SplitsAtTheFirstDash) {
  constexpr std::string_view name = "someStream:someType+someOtherType-someID-with-dashes+second";
  EXPECT_EQ(evt::category(name), "someStream:someType+someOtherType");
  EXPECT_EQ(evt::id(name), "someID-with-dashes+second");
  EXPECT_EQ(evt::ids(name), (strings{"someID-with-dashes", "second"}));
  EXPECT_EQ(evt::cardinal_id(name), "someID-with-dashes");
  EXPECT_FALSE(evt::is_category(name));
}

TEST(StreamNameParsing, ReadsCategoryTypesAndEntityName) {
  constexpr std::string_view name = "someStream:someType+someOtherType-someID";
  EXPECT_EQ(evt::category_type(name), "someType+someOtherType");
  EXPECT_EQ(evt::category_types(name), (strings{"someType", "someOtherType"}));
  EXPECT_EQ(evt::entity_name(name), "someStream");
}

TEST(StreamNameParsing, ACategoryHasNoIdAndNoTypesUnlessGiven) {
  EXPECT_TRUE(evt::is_category("someStream"));
  EXPECT_EQ(evt::category("someStream"), "someStream");
  EXPECT_EQ(evt::id("someStream"), std::nullopt);
  EXPECT_TRUE(evt::ids("someStream").empty());
  EXPECT_EQ(evt::cardinal_id("someStream"), std::nullopt);
  EXPECT_EQ(evt::category_type("someStream"), std::nullopt);
  EXPECT_TRUE(evt::category_types("someStream").empty());
  EXPECT_EQ(evt::entity_name("someStream:command"), "someStream");
  EXPECT_EQ(evt::category_type("someStream:command"), "command");
}

// As Eventide's client; Message DB's SQL id() answers '' here (SPEC 3.5).
TEST(StreamNameParsing, ATrailingDashMeansNoId) {
  EXPECT_EQ(evt::id("someStream-"), std::nullopt);
  EXPECT_EQ(evt::cardinal_id("someStream-"), std::nullopt);
  EXPECT_TRUE(evt::ids("someStream-").empty());
  EXPECT_FALSE(evt::is_category("someStream-"));
}

TEST(StreamNameParsing, EmptyPartsAtTheEndAreDroppedAsRubySplitDoes) {
  EXPECT_EQ(evt::ids("someStream-a+b+"), (strings{"a", "b"}));
  EXPECT_EQ(evt::ids("someStream-a++b"), (strings{"a", "", "b"}));
  EXPECT_EQ(evt::category_types("someStream:b+"), (strings{"b"}));
  EXPECT_EQ(evt::category_type("someStream:"), std::nullopt);
  EXPECT_TRUE(evt::category_types("someStream:").empty());
}

TEST(StreamNameParsing, TypesAreTheSegmentBetweenTheFirstTwoColons) {
  EXPECT_EQ(evt::category_type("a:b+c:d-1"), "b+c");
  EXPECT_EQ(evt::entity_name("a:b+c:d-1"), "a");
}

TEST(StreamNameComposition, JoinsCategoryTypesAndIds) {
  const std::string_view ids[] = {"some_cardinal_id", "some_id", "some_named_id"};
  const std::string_view types[] = {"someType", "someOtherType", "yetAnotherType"};
  EXPECT_EQ(evt::stream_name("someCategory", ids, types),
            "someCategory:someType+someOtherType+yetAnotherType-some_cardinal_id+some_id+some_named_id");
  EXPECT_EQ(evt::stream_name("account", "123"), "account-123");
  EXPECT_EQ(evt::category_stream_name("account", types), "account:someType+someOtherType+yetAnotherType");
}

TEST(StreamNameComposition, CommandStreamsStartTheirTypesWithCommand) {
  const std::string_view type[] = {"some_type"};
  EXPECT_EQ(evt::command_stream_name("someCategory", "some_id"), "someCategory:command-some_id");
  EXPECT_EQ(evt::command_stream_name("someCategory", "some_id", type), "someCategory:command+some_type-some_id");
  EXPECT_EQ(evt::command_category_stream_name("someCategory"), "someCategory:command");
}

TEST(StreamNameComposition, RoundTripsThroughParsing) {
  const std::string_view ids[] = {"a1b2-c3", "x"};
  const std::string_view types[] = {"command", "position"};
  const auto name = evt::stream_name("account", ids, types);
  EXPECT_EQ(evt::entity_name(name), "account");
  EXPECT_EQ(evt::category_types(name), (strings{"command", "position"}));
  EXPECT_EQ(evt::ids(name), (strings{"a1b2-c3", "x"}));
}

TEST(StreamNameComposition, AnEmptyCategoryIsAnError) {
  EXPECT_EQ(error_of([] { evt::stream_name("", "123"); }),
            "Category must not be omitted from stream name (Category: , IDs: 123)");
  EXPECT_EQ(error_of([] { evt::category_stream_name(""); }), "Category must not be omitted from stream name (Category: )");
}

TEST(StreamNameComposition, ADashInTheCategoryOrATypeIsAnError) {
  EXPECT_EQ(error_of([] { evt::stream_name("some-category", "123"); }),
            "Category must not contain a dash (Category: some-category, IDs: 123)");
  const std::string_view types[] = {"some-type"};
  EXPECT_EQ(error_of([&] { evt::category_stream_name("account", types); }),
            "Type must not contain a dash (Category: account, Types: some-type)");
}

TEST(StreamNameComposition, AnEmptyIdIsAnError) {
  EXPECT_EQ(error_of([] { evt::stream_name("account", ""); }),
            "ID must not be omitted from stream name (Category: account, IDs: )");
  EXPECT_EQ(error_of([] { evt::stream_name("account", evt::id_list{}); }),
            "ID must not be omitted from stream name (Category: account)");
  const std::string_view ids[] = {"a", ""};
  EXPECT_EQ(error_of([&] { evt::stream_name("account", ids); }),
            "ID must not be omitted from stream name (Category: account, IDs: a,)");
  EXPECT_EQ(error_of([] { evt::command_stream_name("account", ""); }),
            "ID must not be omitted from command stream name (Category: account)");
}

TEST(StreamNameComposition, SeparatorsInsideATypeOrAnIdPartAreErrors) {
  const std::string_view types[] = {"a:b"};
  EXPECT_EQ(error_of([&] { evt::stream_name("account", "1", types); }),
            "Type must not contain '+' or ':' (Category: account, Types: a:b, IDs: 1)");
  EXPECT_EQ(error_of([] { evt::stream_name("account", "1+2"); }),
            "ID must not contain '+' (Category: account, IDs: 1+2)");
}

TEST(StreamNameComposition, AnEmptyTypeIsAnError) {
  const std::string_view types[] = {""};
  EXPECT_EQ(error_of([&] { evt::stream_name("account", "1", types); }),
            "Type must not be empty (Category: account, Types: , IDs: 1)");
}

}  // namespace
