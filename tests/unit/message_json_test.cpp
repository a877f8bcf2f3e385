#include <evt/error.hpp>
#include <evt/message/conversion.hpp>

#include <gtest/gtest.h>

#include <clocale>

#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace {

using json = nlohmann::json;
using namespace std::chrono;

struct Limit {
  BOOST_HANA_DEFINE_STRUCT(Limit, (std::string, limit_kind), (evt::money, daily_amount));
  friend bool operator==(const Limit&, const Limit&) = default;
};

EVT_MESSAGE(Deposit, (std::string, deposit_id), (std::string, account_id), (evt::money, amount), (evt::time_point, time),
            (std::optional<std::string>, note), (std::int64_t, sequence));

EVT_MESSAGE(Opened, (std::string, account_id), (std::vector<Limit>, limits), (std::map<std::string, bool>, flag_set),
            (bool, is_joint), (double, rate));

}  // namespace

// A message without fields, declared by hand (EVT_MESSAGE needs at least one).
struct Pinged {
  static constexpr std::string_view message_type = "Pinged";
  evt::metadata metadata{};
};
BOOST_HANA_ADAPT_STRUCT(Pinged);

namespace {

const auto deposit_time = evt::time_point{sys_days{year{2026} / 11 / 22} + 19h + 57min + 11s + 268ms};

Deposit some_deposit() {
  return Deposit{.deposit_id = "d1", .account_id = "a1", .amount = evt::money::parse("11.5"), .time = deposit_time,
                 .note = std::nullopt, .sequence = 7};
}

evt::store::message_data row_of(const evt::store::new_message& written) {
  return {.id = "8d5e0f1a-0000-4000-8000-000000000001", .type = written.type, .stream_name = "account:command-a1",
          .position = 1, .global_position = 2, .data = written.data, .metadata = written.metadata};
}

TEST(MessageJson, WritesEveryFieldCamelCasedWithNullsAndRubysNumbers) {
  const auto written = evt::export_message(some_deposit());
  EXPECT_EQ(written.type, "Deposit");
  ASSERT_TRUE(written.data);
  EXPECT_EQ(json::parse(*written.data), json::parse(R"({"depositId": "d1", "accountId": "a1", "amount": 11.5,
    "time": "2026-11-22T19:57:11.268Z", "note": null, "sequence": 7})"));
  EXPECT_EQ(written.metadata, std::nullopt) << "empty metadata is SQL NULL";
  EXPECT_EQ(written.id, std::nullopt);

  auto whole = some_deposit();
  whole.amount = 100;
  EXPECT_EQ(json::parse(*evt::export_message(whole).data)["amount"].dump(), "100");
}

TEST(MessageJson, NestsStructsVectorsAndMapsWithCamelCasedKeys) {
  const Opened opened{.account_id = "a1",
                      .limits = {Limit{.limit_kind = "atm", .daily_amount = 500}},
                      .flag_set = {{"overdraft_allowed", true}},
                      .is_joint = false,
                      .rate = 0.25};
  const auto written = evt::export_message(opened);
  EXPECT_EQ(json::parse(*written.data), json::parse(R"({"accountId": "a1",
    "limits": [{"limitKind": "atm", "dailyAmount": 500}], "flagSet": {"overdraftAllowed": true},
    "isJoint": false, "rate": 0.25})"));
  EXPECT_EQ(evt::import_message<Opened>(row_of(written)), opened);
}

TEST(MessageJson, AMessageWithoutFieldsHasNullData) {
  const auto written = evt::export_message(Pinged{});
  EXPECT_EQ(written.data, std::nullopt);
  EXPECT_EQ(evt::import_message<Pinged>(row_of(written)).metadata.position, 1);
}

TEST(MessageJson, RoundTripsDataAndMetadata) {
  auto deposit = some_deposit();
  deposit.metadata.correlation_stream_name = "c-1";
  deposit.metadata.set_property("some_property", 1);
  deposit.metadata.message_id = "8d5e0f1a-0000-4000-8000-000000000001";
  const auto written = evt::export_message(deposit);
  EXPECT_EQ(written.id, deposit.metadata.message_id);
  const auto read = evt::import_message<Deposit>(row_of(written));
  EXPECT_EQ(read, deposit);
  EXPECT_EQ(read.amount.to_string(), "11.5");
  EXPECT_EQ(read.time, deposit_time);
  EXPECT_EQ(read.metadata.correlation_stream_name, "c-1");
  EXPECT_EQ(*read.metadata.property("some_property"), 1);
  EXPECT_EQ(read.metadata.message_id, "8d5e0f1a-0000-4000-8000-000000000001");
  EXPECT_EQ(read.metadata.stream_name, "account:command-a1");
  EXPECT_EQ(read.metadata.global_position, 2);
}

TEST(MessageJson, ReadsByKeyIgnoringOrderAndUnknownKeys) {
  evt::store::message_data row{.type = "Deposit", .stream_name = "account:command-a1",
                               .data = R"({"sequence": 7, "unknownKey": [1], "amount": 11.5, "accountId": "a1",
                                          "time": "2026-11-22T19:57:11.268Z", "depositId": "d1"})"};
  const auto read = evt::import_message<Deposit>(row);
  EXPECT_EQ(read, some_deposit());
  EXPECT_EQ(read.note, std::nullopt) << "a missing optional is absent";
}

TEST(MessageJson, EqualityIsAboutDataNotMetadata) {
  auto other = some_deposit();
  other.metadata.message_id = "x";
  EXPECT_EQ(other, some_deposit());
  other.sequence = 8;
  EXPECT_NE(other, some_deposit());
}

void expect_decode_error(const evt::store::message_data& row, const std::string& field);

void expect_decode_error_in_sequence(const std::string& sequence) {
  expect_decode_error({.type = "Deposit", .stream_name = "account:command-a1", .position = 3,
                       .data = R"({"depositId": "d1", "accountId": "a1", "amount": 1, "time": "2026-11-22T19:57:11.268Z", "sequence": )" +
                               sequence + "}"},
                      "sequence");
}

void expect_decode_error(const evt::store::message_data& row, const std::string& field) {
  try {
    evt::import_message<Deposit>(row);
    ADD_FAILURE() << "decoded " << row.data.value_or("NULL");
  } catch (const evt::decode_error& error) {
    EXPECT_EQ(error.field(), field);
    EXPECT_EQ(error.stream_name(), "account:command-a1");
    EXPECT_EQ(error.position(), 3);
    EXPECT_EQ(error.type(), row.type);
    EXPECT_EQ(std::string{error.what()}.rfind("Cannot decode the message (Stream: account:command-a1, Position: 3, Type: " +
                                                  row.type + ", Field: " + field + ", Cause: ",
                                              0),
              0u)
        << error.what();
  }
}

TEST(MessageJson, BadDataIsADecodeErrorNamingStreamPositionTypeAndField) {
  const auto with = [](const char* data, const char* type = "Deposit") {
    return evt::store::message_data{.type = type, .stream_name = "account:command-a1", .position = 3, .data = data};
  };
  const auto valid = R"({"depositId": "d1", "accountId": "a1", "amount": 1, "time": "2026-11-22T19:57:11.268Z", "sequence": 1)";
  expect_decode_error(with("{"), "data");
  expect_decode_error(with(R"({"accountId": "a1"})"), "deposit_id");
  expect_decode_error(with((std::string{valid} + R"(, "note": 5})").c_str()), "note");
  expect_decode_error(with(R"({"depositId": "d1", "accountId": "a1", "amount": "lots", "time": "2026-11-22T19:57:11.268Z", "sequence": 1})"),
                      "amount");
  expect_decode_error(with(R"({"depositId": "d1", "accountId": "a1", "amount": 1, "time": "yesterday", "sequence": 1})"), "time");
  expect_decode_error(with(R"({"depositId": "d1", "accountId": "a1", "amount": 1, "time": "2026-11-22T19:57:11.268Z", "sequence": 1.5})"),
                      "sequence");
  expect_decode_error(with((std::string{valid} + "}").c_str(), "Withdraw"), "type");
}

TEST(MessageJson, SmallAmountsAreWrittenAndReadInFixedNotation) {
  auto deposit = some_deposit();
  deposit.amount = evt::money::parse("0.0001");
  const auto written = evt::export_message(deposit);
  EXPECT_EQ(json::parse(*written.data)["amount"].dump(), "0.0001");
  EXPECT_EQ(evt::import_message<Deposit>(row_of(written)).amount.to_string(), "0.0001");
  const evt::store::message_data scientific{.type = "Deposit", .stream_name = "account:command-a1",
                                            .data = R"({"depositId": "d1", "accountId": "a1", "amount": 1e-05,
                                                        "time": "2026-11-22T19:57:11.268Z", "sequence": 7})"};
  EXPECT_EQ(evt::import_message<Deposit>(scientific).amount.to_string(), "0.00001");
}

TEST(MessageJson, KeysAreFoundBySnakeCasingThem) {
  const evt::store::message_data row{.type = "Deposit", .stream_name = "account:command-a1",
                                     .data = R"({"deposit_id": "d1", "account-id": "a1", "amount": 11.5,
                                                 "time": "2026-11-22T19:57:11.268Z", "sequence": 7})"};
  EXPECT_EQ(evt::import_message<Deposit>(row), some_deposit());
}

TEST(MessageJson, AnIntegerOutOfItsFieldsRangeIsADecodeError) {
  expect_decode_error_in_sequence("5000000000000000000000");
  expect_decode_error_in_sequence("18446744073709551615");
}

EVT_MESSAGE(Counted, (std::uint64_t, total), (std::uint32_t, part));

TEST(MessageJson, UnsignedFieldsAboveTheSignedRangeRoundTrip) {
  const Counted counted{.total = std::numeric_limits<std::uint64_t>::max(), .part = 4000000000u};
  const auto written = evt::export_message(counted);
  EXPECT_EQ(*written.data, R"({"part":4000000000,"total":18446744073709551615})");
  const auto read = evt::import_message<Counted>(row_of(written));
  EXPECT_EQ(read.total, counted.total);
  EXPECT_EQ(read.part, counted.part);
}

TEST(MessageJson, NestingDeeperThanTheLimitIsADecodeErrorNotAStackOverflow) {
  const auto nested = [](int depth) {
    return std::string(static_cast<std::size_t>(depth), '[') + std::string(static_cast<std::size_t>(depth), ']');
  };
  const auto with_note = [](const std::string& note) {
    return evt::store::message_data{
        .type = "Deposit", .stream_name = "account:command-a1", .position = 3,
        .data = R"({"depositId": "d1", "accountId": "a1", "amount": 1, "time": "2026-11-22T19:57:11.268Z", "sequence": 1,
                    "deep": )" + note + "}"};
  };
  // Within the limit (the object itself is one level) an unknown deep key is ignored...
  EXPECT_EQ(evt::import_message<Deposit>(with_note(nested(evt::detail::max_json_depth - 1))).sequence, 1);
  // ... beyond it the row is refused before anything recurses into it.
  expect_decode_error(with_note(nested(evt::detail::max_json_depth)), "data");
  expect_decode_error(with_note(nested(100000)), "data");
  // Brackets inside strings do not count.
  EXPECT_EQ(evt::import_message<Deposit>(with_note('"' + nested(100000) + '"')).sequence, 1);
}

TEST(MessageJson, MapKeysThatWouldNotReadBackAreRefused) {
  Opened opened{.account_id = "a1"};
  opened.flag_set = {{"account-1", true}};
  EXPECT_THROW(evt::export_message(opened), evt::error);
  opened.flag_set = {{"someKey", true}};
  EXPECT_THROW(evt::export_message(opened), evt::error);
}

TEST(MessageJson, ANumberThatIsNotFiniteIsRefused) {
  Opened opened{.account_id = "a1", .rate = std::numeric_limits<double>::quiet_NaN()};
  EXPECT_THROW(evt::export_message(opened), evt::error);
}

TEST(MessageJson, ANumberBeyondTheDoubleRangeIsADecodeErrorNotACrash) {
  // nlohmann's reader refuses a number no double holds (about 1.8e308)
  // before it hands over its text: beyond Ruby's Floats, and any amount.
  for (const char* amount : {"1e400", "-1e400"}) {
    const evt::store::message_data row{.type = "Deposit", .stream_name = "account:command-1",
                                       .data = std::string{R"({"depositId": "d1", "accountId": "a1", "amount": )"} +
                                               amount + R"(, "time": "2026-11-22T19:57:11.268Z", "sequence": 1})"};
    EXPECT_THROW(evt::import_message<Deposit>(row), evt::decode_error) << amount;
  }
}

TEST(MessageJson, MoneyIsWrittenAsItsExactDecimalWhereNoDoubleHoldsIt) {
  auto deposit = some_deposit();
  deposit.amount = evt::money::parse("123456789012.123456");
  EXPECT_NE(evt::export_message(deposit).data->find(R"("amount":123456789012.123456,)"), std::string::npos);
  deposit.amount = evt::money::parse("123456789012345678901234567890.10");
  EXPECT_NE(evt::export_message(deposit).data->find(R"("amount":123456789012345678901234567890.10,)"), std::string::npos);
}

// std::stod reads by the process's C locale: where the decimal point is a
// comma, "11.5" would be 11. Numbers are read the same everywhere. The test
// needs a locale with a decimal comma (README's test command makes
// de_DE.UTF-8 when it is missing).
TEST(MessageJson, ReadsDecimalNumbersWhateverTheProcesssLocale) {
  const std::string before = std::setlocale(LC_NUMERIC, nullptr);
  ASSERT_NE(std::setlocale(LC_NUMERIC, "de_DE.UTF-8"), nullptr)
      << "no de_DE.UTF-8 locale here (Debian: localedef -i de_DE -f UTF-8 de_DE.UTF-8)";
  const auto opened = evt::import_message<Opened>(
      {.type = "Opened", .data = R"({"accountId": "a1", "limits": [], "flagSet": {}, "isJoint": false, "rate": 11.5})"});
  const auto deposit = evt::import_message<Deposit>(
      {.type = "Deposit", .data = R"({"depositId": "d1", "accountId": "a1", "amount": 11.5,
                                      "time": "2026-11-22T19:57:11.268Z", "sequence": 7})"});
  const auto written = evt::export_message(deposit);
  std::setlocale(LC_NUMERIC, before.c_str());
  EXPECT_EQ(opened.rate, 11.5);
  EXPECT_EQ(deposit.amount, evt::money::parse("11.5"));
  ASSERT_TRUE(written.data);
  EXPECT_NE(written.data->find(R"("amount":11.5)"), std::string::npos) << *written.data;
}

}  // namespace
