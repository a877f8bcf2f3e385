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

// An event as the component writes it: caused by its command's reserved
// copy, at the global position it carries as its sequence.
template <class Event>
Event caused_by_its_copy(Event event, const std::string& key) {
  event.metadata.causation_message_stream_name = "account:command-" + event.account_id + "+" + key;
  event.metadata.causation_message_position = 0;
  event.metadata.causation_message_global_position = event.sequence;
  return event;
}

TEST(Projection, DepositedAddsTheAmountAndTakesTheSequence) {
  Account account = controls::account();
  account_component::projection()(account, caused_by_its_copy(Deposited{.deposit_id = controls::deposit_id,
                                                                         .account_id = controls::account_id,
                                                                         .amount = money::parse("0.9"),
                                                                         .sequence = 7},
                                                               controls::deposit_id));
  EXPECT_EQ(account.balance, money::parse("12"));
  EXPECT_EQ(account.sequence, 7);
}

TEST(Projection, WithdrawnSubtractsTheAmountAndTakesTheSequence) {
  Account account = controls::account();
  account_component::projection()(account, caused_by_its_copy(Withdrawn{.withdrawal_id = controls::withdrawal_id,
                                                                        .account_id = controls::account_id,
                                                                        .amount = money::parse("1.1"),
                                                                        .sequence = 8},
                                                              controls::withdrawal_id));
  EXPECT_EQ(account.balance, money::parse("10"));
  EXPECT_EQ(account.sequence, 8);
}

TEST(Projection, WithdrawalRejectedTakesOnlyTheSequence) {
  Account account = controls::account();
  account_component::projection()(account,
                                  caused_by_its_copy(WithdrawalRejected{.withdrawal_id = controls::withdrawal_id,
                                                                        .account_id = controls::account_id,
                                                                        .amount = money::parse("100"),
                                                                        .sequence = 9},
                                                     controls::withdrawal_id));
  EXPECT_EQ(account.balance, controls::amount());
  EXPECT_EQ(account.sequence, 9);
}

// Another service's Deposited in the account: its sequence is its own
// command's position, not a command of this component's. Taken, it would
// make the handler ignore every later command below it.
TEST(Projection, AnEventNotCausedByItsCommandsReservedCopyChangesTheBalanceNotTheSequence) {
  Account account = controls::account();
  const auto before = account.sequence;
  auto deposited = Deposited{.deposit_id = "elsewhere-1", .account_id = controls::account_id,
                             .amount = money::parse("5"), .sequence = 93};
  deposited.metadata.causation_message_stream_name = "billing:command-" + controls::account_id;
  deposited.metadata.causation_message_global_position = 93;
  account_component::projection()(account, deposited);
  EXPECT_EQ(account.balance, controls::amount() + money::parse("5"));
  EXPECT_EQ(account.sequence, before);
  account_component::projection()(account, caused_by_its_copy(Deposited{.deposit_id = "d-9", .account_id = controls::account_id,
                                                                         .amount = money::parse("1"), .sequence = 94},
                                                               "other-key"));
  EXPECT_EQ(account.sequence, before) << "a copy of another key's";
}

TEST(Projection, ClosedSetsTheClosedTime) {
  Account account = controls::account();
  account_component::projection()(account, Closed{.account_id = controls::account_id, .time = controls::time()});
  EXPECT_EQ(account.closed_time, controls::time());
}

}  // namespace
