#include <evt/message/casing.hpp>

#include <gtest/gtest.h>

TEST(CamelCase, JoinsSnakeCaseWordsCapitalisingAllButTheFirst) {
  EXPECT_EQ(evt::camel_case("deposit_id"), "depositId");
  EXPECT_EQ(evt::camel_case("causation_message_global_position"), "causationMessageGlobalPosition");
  EXPECT_EQ(evt::camel_case("amount"), "amount");
  EXPECT_EQ(evt::camel_case("some_property_2"), "someProperty2");
}

TEST(SnakeCase, SplitsBeforeCapitalsAndLowersEverything) {
  EXPECT_EQ(evt::snake_case("depositId"), "deposit_id");
  EXPECT_EQ(evt::snake_case("correlationStreamName"), "correlation_stream_name");
  EXPECT_EQ(evt::snake_case("WithdrawalRejected"), "withdrawal_rejected");
  EXPECT_EQ(evt::snake_case("amount"), "amount");
}

TEST(SnakeCase, PairsCapitalsWithoutOverlappingAsRubyDoes) {
  EXPECT_EQ(evt::snake_case("ABC"), "a_bc");
  EXPECT_EQ(evt::snake_case("someABC"), "some_ab_c");
  EXPECT_EQ(evt::snake_case("accountID"), "account_id");
}

TEST(SnakeCase, TurnsDashesIntoUnderscores) {
  EXPECT_EQ(evt::snake_case("some-key"), "some_key");
}

TEST(Casing, RoundTripsSnakeCaseNames) {
  for (const char* name : {"deposit_id", "reply_stream_name", "local_properties", "time"}) {
    EXPECT_EQ(evt::snake_case(evt::camel_case(name)), name);
  }
}
