// Results and failures round trip through both serializers exactly, and
// what is not theirs is an error naming what was being read.
#include <evt/clock.hpp>
#include <evt/idempotency/serializer.hpp>
#include <evt/money.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace {

namespace idempotency = evt::idempotency;

struct line {
  BOOST_HANA_DEFINE_STRUCT(line, (std::string, sku), (std::int64_t, quantity));
  bool operator==(const line&) const = default;
};

struct order {
  BOOST_HANA_DEFINE_STRUCT(order, (std::string, id), (evt::money, total), (evt::time_point, placed),
                           (std::vector<line>, lines), (std::optional<std::string>, coupon),
                           (std::map<std::string, std::int64_t>, counts), (double, rate), (bool, gift));
  bool operator==(const order&) const = default;
};

order an_order() {
  return order{.id = "o-1",
               .total = evt::money::parse("-1234567.891"),
               .placed = evt::parse_iso8601("2026-11-24T23:59:59.123Z"),
               .lines = {{.sku = "ünïcødé", .quantity = std::numeric_limits<std::int64_t>::min()}},
               .coupon = std::nullopt,
               .counts = {{"first", 1}, {"second", 2}},
               .rate = -0.0,
               .gift = true};
}

template <class Serializer>
class Serializers : public ::testing::Test {};
using both = ::testing::Types<idempotency::msgpack_serializer, idempotency::json_serializer>;
TYPED_TEST_SUITE(Serializers, both);

TYPED_TEST(Serializers, RoundTripStructsAndPlainValuesExactly) {
  using serializer = TypeParam;
  const auto what = "a result";
  EXPECT_EQ(serializer::template deserialize<order>(serializer::serialize(an_order()), what), an_order());
  EXPECT_EQ(serializer::template deserialize<std::string>(serializer::serialize(std::string{"plain"}), what), "plain");
  EXPECT_EQ(serializer::template deserialize<std::int64_t>(serializer::serialize(std::int64_t{-7}), what), -7);
  EXPECT_EQ(serializer::template deserialize<std::uint64_t>(
                serializer::serialize(std::numeric_limits<std::uint64_t>::max()), what),
            std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(serializer::template deserialize<std::vector<std::string>>(
                serializer::serialize(std::vector<std::string>{"a", "", "c"}), what),
            (std::vector<std::string>{"a", "", "c"}));
  EXPECT_EQ(serializer::template deserialize<std::optional<std::int64_t>>(
                serializer::serialize(std::optional<std::int64_t>{}), what),
            std::nullopt);
  const auto zero = serializer::template deserialize<order>(serializer::serialize(an_order()), what).rate;
  EXPECT_TRUE(std::signbit(zero));
}

TYPED_TEST(Serializers, WhatIsNotTheirsIsAnErrorNamingThePayloadAndField) {
  using serializer = TypeParam;
  try {
    serializer::template deserialize<order>(serializer::serialize(std::string{"not an order"}), "the result of key k");
    FAIL() << "no error";
  } catch (const evt::error& error) {
    const std::string text = error.what();
    EXPECT_EQ(text.rfind("Cannot decode the result of key k (Field: value", 0), 0u) << text;
  }
  EXPECT_THROW(serializer::template deserialize<order>("\xc1{", "x"), evt::error);
  EXPECT_THROW(serializer::template deserialize<order>("", "x"), evt::error);
}

TEST(JsonSerializer, WritesReadableJsonWithCamelCaseKeys) {
  EXPECT_EQ(idempotency::json_serializer::serialize(line{.sku = "s", .quantity = 2}),
            R"({"value":{"quantity":2,"sku":"s"}})");
  EXPECT_EQ(idempotency::json_serializer::format, "json");
  EXPECT_EQ(idempotency::msgpack_serializer::format, "msgpack");
}

}  // namespace
