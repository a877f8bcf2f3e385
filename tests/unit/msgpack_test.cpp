#include <evt/message/message.hpp>
#include <evt/message/msgpack_codec.hpp>

#include <gtest/gtest.h>

#include <bit>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace {

using namespace std::chrono;

struct Limit {
  BOOST_HANA_DEFINE_STRUCT(Limit, (std::string, kind), (evt::money, amount));
  friend bool operator==(const Limit&, const Limit&) = default;
};

struct Account {
  BOOST_HANA_DEFINE_STRUCT(Account, (std::string, id), (evt::money, balance), (std::optional<evt::time_point>, opened_time),
                           (std::optional<std::string>, closed_reason), (std::vector<Limit>, limits),
                           (std::map<std::string, std::int64_t>, processed), (bool, is_joint), (double, rate),
                           (std::int64_t, sequence));
  friend bool operator==(const Account&, const Account&) = default;
};

Account some_account() {
  return Account{.id = "a1",
                 .balance = evt::money::parse("1234567890.123456789"),
                 .opened_time = evt::time_point{sys_days{year{2026} / 11 / 22} + 19h + 268ms},
                 .closed_reason = std::nullopt,
                 .limits = {Limit{.kind = "atm", .amount = evt::money::parse("0.1")}},
                 .processed = {{"some_id", 3}},
                 .is_joint = true,
                 .rate = 0.1,
                 .sequence = -42};
}

TEST(MessagePack, RoundTripsExactly) {
  const auto account = some_account();
  EXPECT_EQ(evt::from_msgpack<Account>(evt::to_msgpack(account)), account);
  EXPECT_EQ(evt::from_msgpack<Account>(evt::to_msgpack(account)).balance.to_string(), "1234567890.123456789");
}

TEST(MessagePack, FloatingPointFieldsRoundTripBitForBit) {
  struct Rates {
    BOOST_HANA_DEFINE_STRUCT(Rates, (double, rate), (float, small));
  };
  for (const double rate : {-0.0, 18446744073709551616.0 /* 2^64 */, -9223372036854775808.0, 1e300, 5.0,
                            std::numeric_limits<double>::infinity(), std::numeric_limits<double>::denorm_min()}) {
    const auto read = evt::from_msgpack<Rates>(evt::to_msgpack(Rates{.rate = rate, .small = static_cast<float>(rate)}));
    EXPECT_EQ(std::bit_cast<std::uint64_t>(read.rate), std::bit_cast<std::uint64_t>(rate)) << rate;
    EXPECT_EQ(std::bit_cast<std::uint32_t>(read.small), std::bit_cast<std::uint32_t>(static_cast<float>(rate))) << rate;
  }
}

TEST(MessagePack, IsAMapOfFieldNames) {
  const auto bytes = evt::to_msgpack(Limit{.kind = "atm", .amount = 5});
  const auto handle = msgpack::unpack(bytes.data(), bytes.size());
  const auto map = handle.get().as<std::map<std::string, msgpack::object>>();
  EXPECT_EQ(map.at("kind").as<std::string>(), "atm");
  EXPECT_EQ(map.at("amount").as<std::string>(), "5");
}

TEST(MessagePack, BadInputIsAnErrorNamingTheField) {
  try {
    evt::from_msgpack<Account>("\xc1", "the snapshot of account-1");
    FAIL() << "read garbage";
  } catch (const evt::error& error) {
    EXPECT_EQ(std::string{error.what()}.rfind("Cannot decode the snapshot of account-1 (Field: (whole), Cause: ", 0), 0u)
        << error.what();
  }
  const auto limit_bytes = evt::to_msgpack(Limit{.kind = "atm", .amount = 5});
  try {
    evt::from_msgpack<Account>(limit_bytes);
    FAIL() << "read a Limit as an Account";
  } catch (const evt::error& error) {
    EXPECT_EQ(std::string{error.what()}, "Cannot decode MessagePack payload (Field: id, Cause: missing)");
  }
}

TEST(MessagePack, HostileSizesAndTrailingBytesAreRefused) {
  EXPECT_THROW(evt::from_msgpack<Account>(std::string{"\xdf\xff\xff\xff\xff", 5}), evt::error);
  EXPECT_THROW(evt::from_msgpack<Limit>(evt::to_msgpack(Limit{.kind = "atm", .amount = 5}) + "x"), evt::error);
}

}  // namespace
