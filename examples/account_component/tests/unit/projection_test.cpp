// Events onto the Account (SPEC 7.3), one test per event.
#include "component/projection.hpp"
#include "controls/controls.hpp"
#include "messages/events/closed.hpp"
#include "messages/events/deposited.hpp"
#include "messages/events/opened.hpp"
#include "messages/events/withdrawal_rejected.hpp"
#include "messages/events/withdrawn.hpp"

#include <gtest/gtest.h>

namespace {

namespace controls = account_component::controls;
using namespace account_component::messages::events;
using account_component::Account;
using evt::money;

TEST(Projection, OpenedSetsIdCustomerAndOpenedTime) {
  Account account;
  account_component::projection()(account, Opened{.account_id = controls::account_id,
                                                  .customer_id = controls::customer_id,
                                                  .time = controls::time(),
                                                  .processed_time = controls::processed_time()});
  EXPECT_EQ(account.id, controls::account_id);
  EXPECT_EQ(account.customer_id, controls::customer_id);
  EXPECT_EQ(account.opened_time, controls::time()) << "the effective time, not the processed time";
}

TEST(Projection, DepositedAddsTheAmountAndTakesTheSequence) {
  Account account = controls::account();
  account_component::projection()(account, Deposited{.deposit_id = controls::deposit_id,
                                                     .account_id = controls::account_id,
                                                     .amount = money::parse("0.9"),
                                                     .sequence = 7});
  EXPECT_EQ(account.balance, money::parse("12"));
  EXPECT_EQ(account.sequence, 7);
}

TEST(Projection, WithdrawnSubtractsTheAmountAndTakesTheSequence) {
  Account account = controls::account();
  account_component::projection()(account, Withdrawn{.withdrawal_id = controls::withdrawal_id,
                                                     .account_id = controls::account_id,
                                                     .amount = money::parse("1.1"),
                                                     .sequence = 8});
  EXPECT_EQ(account.balance, money::parse("10"));
  EXPECT_EQ(account.sequence, 8);
}

TEST(Projection, WithdrawalRejectedTakesOnlyTheSequence) {
  Account account = controls::account();
  account_component::projection()(account, WithdrawalRejected{.withdrawal_id = controls::withdrawal_id,
                                                              .account_id = controls::account_id,
                                                              .amount = money::parse("100"),
                                                              .sequence = 9});
  EXPECT_EQ(account.balance, controls::amount());
  EXPECT_EQ(account.sequence, 9);
}

TEST(Projection, ClosedSetsTheClosedTime) {
  Account account = controls::account();
  account_component::projection()(account, Closed{.account_id = controls::account_id, .time = controls::time()});
  EXPECT_EQ(account.closed_time, controls::time());
}

}  // namespace
