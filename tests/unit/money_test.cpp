#include <evt/error.hpp>
#include <evt/money.hpp>

#include <gtest/gtest.h>

TEST(Money, ParsesAndWritesDecimalTextKeepingItsScaleAsNumericDoes) {
  EXPECT_EQ(evt::money::parse("11.5").to_string(), "11.5");
  EXPECT_EQ(evt::money::parse("100").to_string(), "100");
  EXPECT_EQ(evt::money::parse("-0.25").to_string(), "-0.25");
  EXPECT_EQ(evt::money::parse("0.05").to_string(), "0.05");
  EXPECT_EQ(evt::money::parse("11.50").to_string(), "11.50");
  EXPECT_EQ(evt::money::parse("4.0").to_string(), "4.0");
  EXPECT_EQ(evt::money::parse("007").to_string(), "7");
  EXPECT_EQ(evt::money::parse("-0.0").to_string(), "0.0") << "no negative zero, as in numeric";
  EXPECT_EQ(evt::money::parse(".5").to_string(), "0.5");
  EXPECT_EQ(evt::money{-42}.to_string(), "-42");
}

TEST(Money, ReadsEveryNumberRubyWritesExactly) {
  EXPECT_EQ(evt::money::parse("0.30000000000000004").to_string(), "0.30000000000000004") << "0.1 + 0.2 in Ruby";
  EXPECT_EQ(evt::money::parse("0.1000000000000000055511151231257827").to_string(),
            "0.1000000000000000055511151231257827");
  EXPECT_EQ(evt::money::parse("123456789012345678901234567890").to_string(), "123456789012345678901234567890")
      << "a Ruby Integer beyond 64 bits";
}

TEST(Money, ReadsExponentFormsAsNumericAndSoJsonbDoes) {
  EXPECT_EQ(evt::money::parse("1.0e-05").to_string(), "0.000010");
  EXPECT_EQ(evt::money::parse("1.0e+20").to_string(), "100000000000000000000");
  EXPECT_EQ(evt::money::parse("1e2").to_string(), "100");
  EXPECT_EQ(evt::money::parse("1.23E1").to_string(), "12.3");
  EXPECT_EQ(evt::money::parse("-2.5e-3").to_string(), "-0.0025");
  EXPECT_EQ(evt::money::parse("0e5").to_string(), "0");
}

TEST(Money, IsExactWhereBinaryFloatingPointIsNot) {
  EXPECT_EQ(evt::money::parse("0.1") + evt::money::parse("0.2"), evt::money::parse("0.3"));
  EXPECT_EQ((evt::money{100} - evt::money::parse("0.01")).to_string(), "99.99");
  EXPECT_EQ((evt::money::parse("4.0") + evt::money{1}).to_string(), "5.0") << "the larger scale, as numeric";
  EXPECT_EQ((evt::money::parse("0.30000000000000004") - evt::money::parse("0.1")).to_string(), "0.20000000000000004");
}

TEST(Money, ComparesByValue) {
  EXPECT_EQ(evt::money::parse("1.0"), evt::money{1});
  EXPECT_EQ(evt::money::parse("4.00"), evt::money::parse("4.0"));
  EXPECT_LT(evt::money::parse("0.99"), evt::money{1});
  EXPECT_GT(evt::money::parse("-0.5"), evt::money{-1});
  EXPECT_LT(evt::money{INT64_MAX}, evt::money::parse("1.0e+20"));
}

TEST(Money, RejectsWhatIsNotAnAmount) {
  for (const char* text : {"", "-", "1.", ".", "1.2.3", "1e", "1e+", "e3", "abc", " 1", "+1", "1 ", "0x10", "1,5", "nan", "inf"}) {
    try {
      evt::money::parse(text);
      ADD_FAILURE() << "accepted " << text;
    } catch (const evt::error& error) {
      EXPECT_EQ(std::string{error.what()}, std::string{"Not a money amount (Text: "} + text + ")");
    }
  }
}

TEST(Money, HoldsWhatNumericHoldsAndNothingBeyond) {
  EXPECT_EQ(evt::money::parse("1e131071").to_string().size(), 131072u);
  EXPECT_EQ(evt::money::parse("1e-16383").scale(), 16383);
  for (const char* text : {"1e131072", "1e-16384", "1.5e-16383", "1e99999999"}) {
    try {
      evt::money::parse(text);
      ADD_FAILURE() << "accepted " << text;
    } catch (const evt::error& error) {
      EXPECT_EQ(std::string{error.what()}, std::string{"Money amount out of range (Text: "} + text + ")");
    }
  }
  EXPECT_THROW(evt::money::parse("9e131071") + evt::money::parse("9e131071"), evt::error) << "a sum beyond the range";
}

TEST(Money, MixesScalesExactly) {
  EXPECT_LT(evt::money::parse("0.000000000000001"), evt::money{10000});
  EXPECT_EQ((evt::money{1000} + evt::money::parse("0.000000000000001")).to_string(), "1000.000000000000001");
  EXPECT_EQ((evt::money{INT64_MAX} + evt::money{1}).to_string(), "9223372036854775808") << "no 64-bit limit";
  EXPECT_EQ((evt::money::parse("123456789012345678") + evt::money::parse("0.12345678901234567")).to_string(),
            "123456789012345678.12345678901234567")
      << "the largest amounts of the 128-bit path";
  EXPECT_EQ((evt::money::parse("-999999999999999999") - evt::money::parse("0.99999999999999999")).to_string(),
            "-999999999999999999.99999999999999999");
  EXPECT_EQ((evt::money::parse("1234567890123456789") - evt::money::parse("0.5")).to_string(), "1234567890123456788.5")
      << "and just beyond it";
  EXPECT_GT(evt::money::parse("1234567890123456789"), evt::money::parse("999999999999999999.9"));
}
