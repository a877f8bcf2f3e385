// The Account entity's predicates (SPEC 7.2).
#include "component/account.hpp"
#include "controls/controls.hpp"

#include <gtest/gtest.h>

namespace {

using account_component::Account;
using evt::money;

TEST(Account, IsOpenOnceOpenedAndClosedOnceClosed) {
  Account account;
  EXPECT_FALSE(account.is_open());
  EXPECT_FALSE(account.is_closed());
  account.opened_time = account_component::controls::time();
  EXPECT_TRUE(account.is_open());
  account.closed_time = account_component::controls::time();
  EXPECT_TRUE(account.is_closed());
}

TEST(Account, DepositAddsAndWithdrawSubtractsExactly) {
  Account account;
  account.deposit(money::parse("0.1"));
  account.deposit(money::parse("0.2"));
  EXPECT_EQ(account.balance, money::parse("0.3"));
  account.withdraw(money::parse("0.3"));
  EXPECT_EQ(account.balance, money{0});
}

TEST(Account, HasSufficientFundsUpToItsBalance) {
  Account account;
  account.deposit(money::parse("11.1"));
  EXPECT_TRUE(account.has_sufficient_funds(money::parse("11")));
  EXPECT_TRUE(account.has_sufficient_funds(money::parse("11.10")));
  EXPECT_FALSE(account.has_sufficient_funds(money::parse("11.11")));
}

TEST(Account, HasProcessedASequenceAtOrBeforeItsOwn) {
  Account account;
  EXPECT_FALSE(account.has_processed(1)) << "no sequence yet";
  account.sequence = 5;
  EXPECT_TRUE(account.has_processed(4));
  EXPECT_TRUE(account.has_processed(5));
  EXPECT_FALSE(account.has_processed(6));
}

}  // namespace
