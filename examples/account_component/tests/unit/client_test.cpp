// The client library with a substitute writer (SPEC 7.7).
#include "client/client.hpp"
#include "controls/controls.hpp"

#include <evt/controls.hpp>
#include <evt/error.hpp>

#include <gtest/gtest.h>

#include <chrono>

namespace {

namespace controls = account_component::controls;
namespace client = account_component::client;
using namespace account_component::messages::commands;
using evt::money;

const std::string command_stream = "account:command-" + controls::account_id;

TEST(Client, DepositIsWrittenToTheAccountsCommandStreamWithTheTimeItWasIssued) {
  auto write = evt::writer::substitute();
  const auto before = evt::now();
  const auto deposit = client::deposit(write, controls::account_id, controls::amount(), controls::deposit_id);
  const auto written = write.one_message<Deposit>();
  ASSERT_TRUE(written);
  EXPECT_EQ(write.written().at(0).stream_name, command_stream);
  EXPECT_EQ(write.written().at(0).expected, std::nullopt);
  EXPECT_EQ(written->deposit_id, controls::deposit_id);
  EXPECT_EQ(written->amount, controls::amount());
  EXPECT_GE(written->time, before);
  EXPECT_EQ(written->time, deposit.time);
}

TEST(Client, GeneratesTheIdsThatAreNotGiven) {
  auto write = evt::writer::substitute();
  const auto deposit = client::deposit(write, controls::account_id, controls::amount());
  const auto withdraw = client::withdraw(write, controls::account_id, controls::amount());
  const auto open = client::open(write, controls::account_id);
  EXPECT_EQ(deposit.deposit_id.size(), 36u);
  EXPECT_EQ(withdraw.withdrawal_id.size(), 36u);
  EXPECT_EQ(open.customer_id.size(), 36u);
  EXPECT_NE(deposit.deposit_id, withdraw.withdrawal_id);
}

TEST(Client, FollowsAPreviousMessage) {
  auto write = evt::writer::substitute();
  const auto previous = evt::controls::metadata();
  const auto close = client::close(write, controls::account_id, {.previous = &previous});
  EXPECT_TRUE(write.one_message<Close>()->metadata.follows(previous));
  EXPECT_TRUE(close.metadata.follows(previous));
}

TEST(Client, RefusesAnAmountThatIsNotPositiveAndWritesNothing) {
  auto write = evt::writer::substitute();
  for (const auto* amount : {"0", "-1", "0.00"}) {
    try {
      client::deposit(write, controls::account_id, money::parse(amount));
      FAIL() << amount;
    } catch (const evt::error& error) {
      EXPECT_EQ(std::string{error.what()},
                "Amount must be greater than zero (Command: Deposit, Amount: " + money::parse(amount).to_string() + ")");
    }
  }
  EXPECT_THROW(client::withdraw(write, controls::account_id, money{0}), evt::error);
  EXPECT_TRUE(write.written().empty());
}

TEST(Client, RefusesAnEmptyAccountOrIdAndAnIdWithAPlus) {
  auto write = evt::writer::substitute();
  EXPECT_THROW(client::open(write, ""), evt::error);
  EXPECT_THROW(client::deposit(write, controls::account_id, controls::amount(), ""), evt::error);
  EXPECT_THROW(client::withdraw(write, controls::account_id, controls::amount(), "w1+w2"), evt::error);
  EXPECT_THROW(client::withdraw(write, controls::account_id, controls::amount(), " "), evt::error);
  EXPECT_THROW(client::deposit(write, controls::account_id, controls::amount(), std::string{"d\0", 2}), evt::error);
  EXPECT_TRUE(write.written().empty());
}

}  // namespace
