#include <evt/error.hpp>
#include <evt/money.hpp>

#include <gtest/gtest.h>

TEST(Money, ParsesAndWritesDecimalText) {
  EXPECT_EQ(evt::money::parse("11.5").to_string(), "11.5");
  EXPECT_EQ(evt::money::parse("100").to_string(), "100");
  EXPECT_EQ(evt::money::parse("-0.25").to_string(), "-0.25");
  EXPECT_EQ(evt::money::parse("0.05").to_string(), "0.05");
  EXPECT_EQ(evt::money::parse("11.50").to_string(), "11.5");
}

TEST(Money, IsExactWhereBinaryFloatingPointIsNot) {
  EXPECT_EQ(evt::money::parse("0.1") + evt::money::parse("0.2"), evt::money::parse("0.3"));
  EXPECT_EQ((evt::money{100} - evt::money::parse("0.01")).to_string(), "99.99");
}

TEST(Money, ComparesByValue) {
  EXPECT_EQ(evt::money::parse("1.0"), evt::money{1});
  EXPECT_LT(evt::money::parse("0.99"), evt::money{1});
  EXPECT_GT(evt::money::parse("-0.5"), evt::money{-1});
}

TEST(Money, RejectsWhatIsNotAnAmount) {
  for (const char* text : {"", "-", "1.", ".", "1.2.3", "1e3", "abc", " 1", "0.1234567890123456"}) {
    try {
      evt::money::parse(text);
      ADD_FAILURE() << "accepted " << text;
    } catch (const evt::error& error) {
      EXPECT_EQ(std::string{error.what()}, std::string{"Not a money amount (Text: "} + text + ")");
    }
  }
}

TEST(Money, OverflowIsAnError) {
  EXPECT_THROW(evt::money::parse("99999999999999999999"), evt::error);
  EXPECT_THROW(evt::money{INT64_MAX} + evt::money{1}, evt::error);
}

TEST(Money, MixesScalesWithoutOverflow) {
  EXPECT_LT(evt::money::parse("0.000000000000001"), evt::money{10000});
  EXPECT_EQ((evt::money{1000} + evt::money::parse("0.000000000000001")).to_string(), "1000.000000000000001");
  EXPECT_THROW(evt::money{10000} + evt::money::parse("0.000000000000001"), evt::error) << "beyond 64 bits of units";
}
