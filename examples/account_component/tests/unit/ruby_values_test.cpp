// Every value a Ruby account component and its clients write is read by the
// component's types and written back unchanged (SPEC 11.1): into the
// events that echo a command, and into the account's balance, exactly.
#include "component/handlers/commands.hpp"
#include "component/projection.hpp"
#include "controls/controls.hpp"
#include "messages/events/deposited.hpp"

#include <evt/controls.hpp>
#include <evt/message/conversion.hpp>
#include <evt/message/follow.hpp>

#include <gtest/gtest.h>

namespace {

using namespace account_component;
using messages::commands::Deposit;
using messages::events::Deposited;
namespace ruby = controls::ruby;

evt::store::message_data row(const std::string& type, std::string data) {
  return {.id = evt::controls::id(), .type = type, .stream_name = "account:command-" + controls::account_id,
          .position = 1, .global_position = 5, .data = std::move(data)};
}

// The JSON value of `key` in `data` as written: from the key to the next ',' or '}'.
std::string value_of(const std::string& data, const std::string& key) {
  const auto at = data.find("\"" + key + "\":");
  if (at == std::string::npos) return "(missing)";
  const auto from = at + key.size() + 3;
  return data.substr(from, data.find_first_of(",}", from) - from);
}

TEST(RubyValues, EveryAmountRubyWritesIsReadExactlyInEitherForm) {
  for (const auto& amount : ruby::amounts()) {
    const auto as_written = evt::import_message<Deposit>(row("Deposit", ruby::deposit_data(amount.written, "null")));
    const auto as_stored = evt::import_message<Deposit>(row("Deposit", ruby::deposit_data(amount.stored, "null")));
    EXPECT_EQ(as_written.amount, as_stored.amount) << amount.written;
    EXPECT_EQ(as_stored.amount.to_string(), amount.stored);
  }
}

TEST(RubyValues, EveryTimeRubyWritesIsReadAndKeptAsWritten) {
  for (const auto& time : ruby::times()) {
    const auto deposit = evt::import_message<Deposit>(row("Deposit", ruby::deposit_data("1", time.stored)));
    if (time.stored == "null") {
      EXPECT_FALSE(deposit.time);
    } else {
      ASSERT_TRUE(deposit.time) << time.stored;
      EXPECT_EQ("\"" + deposit.time->to_string() + "\"", time.stored);
    }
  }
}

TEST(RubyValues, ADepositedFollowingARubyDepositEchoesItsAmountAndTimeUnchanged) {
  for (const auto& amount : ruby::amounts()) {
    for (const auto& time : ruby::times()) {
      const auto deposit = evt::import_message<Deposit>(row("Deposit", ruby::deposit_data(amount.stored, time.stored)));
      auto deposited = evt::follow<Deposited>(deposit);
      deposited.processed_time = controls::processed_time();
      deposited.sequence = 5;
      const auto data = *evt::export_message(deposited).data;
      EXPECT_EQ(value_of(data, "amount"), amount.stored) << data;
      EXPECT_EQ(value_of(data, "time"), time.stored) << data;
      EXPECT_EQ(value_of(data, "processedTime"), "\"2000-01-01T11:11:11.011Z\"") << "our clock, Ruby's form";
    }
  }
}

TEST(RubyValues, TheHandlerAppliesARubyDepositWithItsValuesAsWritten) {
  handlers::Commands commands;
  commands.clock = controls::processed_time;
  commands.reservation = evt::reservation::substitute();
  commands.reservation.set_reserved();
  commands.accounts.add(controls::account_id, controls::account(), controls::version());
  auto copy = evt::import_message<Deposit>(
      row("Deposit", ruby::deposit_data("0.30000000000000004", R"("2026-11-28T04:52:15.067123+00:00")")));
  commands(copy);
  const auto written = commands.write.written().at(0).message.data;
  ASSERT_TRUE(written);
  EXPECT_EQ(value_of(*written, "amount"), "0.30000000000000004");
  EXPECT_EQ(value_of(*written, "time"), R"("2026-11-28T04:52:15.067123+00:00")");
}

TEST(RubyValues, AnAccountOfRubysEventsHasTheExactBalance) {
  Account account;
  const auto projection = account_component::projection();
  evt::money expected;
  for (const auto& amount : ruby::amounts()) {
    projection(account, row("Deposited", R"({"depositId":"d","accountId":")" + controls::account_id + R"(","amount":)" +
                                             amount.written + R"(,"time":null,"processedTime":null,"sequence":1})"));
    expected += evt::money::parse(amount.stored);
  }
  EXPECT_EQ(account.balance, expected);
  EXPECT_EQ(account.balance.to_string(), "123456789112345678901234568005.80001000000000004") << "every digit";
}

TEST(RubyValues, AnAccountOpenedWithoutATimeIsOpenAtTheTimeItWasProcessedOrRecorded) {
  const auto projection = account_component::projection();
  Account processed;
  projection(processed, row("Opened", R"({"accountId":"a","customerId":"c","time":null,"processedTime":"2026-11-28T04:52:15.067+00:00"})"));
  ASSERT_TRUE(processed.is_open());
  EXPECT_EQ(processed.opened_time->to_string(), "2026-11-28T04:52:15.067+00:00");
  Account recorded;
  auto opened = row("Opened", R"({"accountId":"a","customerId":"c","time":null,"processedTime":null})");
  opened.time = evt::controls::time();
  projection(recorded, opened);
  ASSERT_TRUE(recorded.is_open());
  EXPECT_EQ(recorded.opened_time, evt::controls::time());
}

}  // namespace
