// The Commands handler with substitutes: the writer records, the store
// answers what was added, the reservation writes to its substitute writer,
// the clock is fixed.
#include "component/handlers/commands.hpp"
#include "controls/controls.hpp"
#include "messages/events/closed.hpp"
#include "messages/events/deposited.hpp"
#include "messages/events/opened.hpp"
#include "messages/events/withdrawal_rejected.hpp"
#include "messages/events/withdrawn.hpp"

#include <evt/error.hpp>
#include <evt/reservation/reservation.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

namespace controls = account_component::controls;
using namespace account_component::messages::events;
using account_component::Account;
using evt::money;

const std::string account_stream = "account-" + controls::account_id;

struct handler : account_component::handlers::Commands {
  std::vector<std::string> lines;
  handler() {
    clock = [] { return controls::processed_time(); };
    set_log([this](const std::string& line) { lines.push_back(line); });
  }
};

// --- Open and Close

TEST(OpenCommand, WritesOpenedToTheAccountStreamAtTheFetchedVersion) {
  handler h;
  h(controls::open());
  const auto opened = h.write.one_message<Opened>();
  ASSERT_TRUE(opened);
  EXPECT_EQ(opened->account_id, controls::account_id);
  EXPECT_EQ(opened->customer_id, controls::customer_id);
  EXPECT_EQ(opened->time, controls::time());
  EXPECT_EQ(opened->processed_time, controls::processed_time());
  EXPECT_EQ(h.write.written().at(0).stream_name, account_stream);
  EXPECT_EQ(h.write.written().at(0).expected, evt::no_stream) << "a new account";
  EXPECT_TRUE(opened->metadata.follows(controls::open().metadata));
}

TEST(OpenCommand, IsIgnoredWhenTheAccountIsOpenAlready) {
  handler h;
  h.accounts.add(controls::account_id, controls::account(), controls::version());
  h(controls::open());
  EXPECT_TRUE(h.write.written().empty());
  EXPECT_EQ(h.lines, std::vector<std::string>{"Command ignored (Command: Open, Account ID: " + controls::account_id +
                                              ", Customer ID: " + controls::customer_id + ")"});
}

TEST(CloseCommand, WritesClosedAtTheFetchedVersion) {
  handler h;
  h.accounts.add(controls::account_id, controls::account(), controls::version());
  h(controls::close());
  const auto closed = h.write.one_message<Closed>();
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->time, controls::time());
  EXPECT_EQ(closed->processed_time, controls::processed_time());
  EXPECT_EQ(h.write.written().at(0).expected, controls::version());
}

TEST(CloseCommand, IsIgnoredWhenTheAccountIsClosedAlready) {
  handler h;
  auto account = controls::account();
  account.closed_time = controls::time();
  h.accounts.add(controls::account_id, account, controls::version());
  h(controls::close());
  EXPECT_TRUE(h.write.written().empty());
  EXPECT_EQ(h.lines, std::vector<std::string>{"Command ignored (Command: Close, Account ID: " + controls::account_id + ")"});
}

// --- Deposit

TEST(DepositCommand, NotReservedIsReservedUnderItsDepositIdAndNothingElseHappens) {
  handler h;
  h(controls::deposit());
  EXPECT_TRUE(h.write.written().empty()) << "no event until the reserved copy comes back";
  ASSERT_EQ(h.reservation.write().written().size(), 1u);
  EXPECT_EQ(h.reservation.write().written()[0].stream_name,
            "account:command-" + controls::account_id + "+" + controls::deposit_id);
  EXPECT_EQ(h.reservation.write().written()[0].expected, evt::no_stream);
}

TEST(DepositCommand, AlreadyReservedIsIgnored) {
  handler h;
  h.reservation.write().raise_expected_version_error();
  h(controls::deposit());
  EXPECT_TRUE(h.write.written().empty());
  EXPECT_EQ(h.reservation.telemetry().ignored, 1);
}

TEST(DepositCommand, ReservedWritesDepositedWithTheCopysSequenceAtTheFetchedVersion) {
  handler h;
  h.accounts.add(controls::account_id, controls::account(), controls::version());
  const auto reserved = controls::reserved_deposit();
  h(reserved);
  const auto deposited = h.write.one_message<Deposited>();
  ASSERT_TRUE(deposited);
  EXPECT_EQ(deposited->deposit_id, controls::deposit_id);
  EXPECT_EQ(deposited->account_id, controls::account_id);
  EXPECT_EQ(deposited->amount, controls::amount());
  EXPECT_EQ(deposited->time, controls::time());
  EXPECT_EQ(deposited->processed_time, controls::processed_time());
  EXPECT_EQ(deposited->sequence, controls::reserved_position());
  EXPECT_EQ(h.write.written().at(0).stream_name, account_stream);
  EXPECT_EQ(h.write.written().at(0).expected, controls::version());
  EXPECT_TRUE(deposited->metadata.follows(reserved.metadata));
  EXPECT_EQ(deposited->metadata.local_property(evt::reservation::local_property), nullptr)
      << "the marker stays on the copy";
  EXPECT_TRUE(h.reservation.write().written().empty());
}

TEST(DepositCommand, ReservedButAlreadyProcessedIsIgnored) {
  handler h;
  auto account = controls::account();
  account.sequence = controls::reserved_position();
  h.accounts.add(controls::account_id, account, controls::version());
  h(controls::reserved_deposit());
  EXPECT_TRUE(h.write.written().empty());
  EXPECT_EQ(h.lines.at(0), "Command ignored (Command: Deposit, Account ID: " + controls::account_id +
                                ", Account Sequence: 5, Deposit Sequence: 5)");
}

TEST(DepositCommand, WithoutADepositIdIsAReservationErrorAndWritesNothing) {
  handler h;
  auto deposit = controls::deposit();
  deposit.deposit_id.clear();
  EXPECT_THROW(h(deposit), evt::reservation_error);
  EXPECT_TRUE(h.write.written().empty());
  EXPECT_TRUE(h.reservation.write().written().empty());
}

// --- Withdraw

TEST(WithdrawCommand, NotReservedIsReservedUnderItsWithdrawalId) {
  handler h;
  h(controls::withdraw());
  EXPECT_TRUE(h.write.written().empty());
  EXPECT_EQ(h.reservation.write().written().at(0).stream_name,
            "account:command-" + controls::account_id + "+" + controls::withdrawal_id);
}

TEST(WithdrawCommand, ReservedWithSufficientFundsWritesWithdrawn) {
  handler h;
  h.accounts.add(controls::account_id, controls::account(), controls::version());
  h(controls::reserved_withdraw());
  const auto withdrawn = h.write.one_message<Withdrawn>();
  ASSERT_TRUE(withdrawn);
  EXPECT_EQ(withdrawn->amount, controls::amount()) << "the whole balance is sufficient";
  EXPECT_EQ(withdrawn->time, controls::time());
  EXPECT_EQ(withdrawn->processed_time, controls::processed_time());
  EXPECT_EQ(withdrawn->sequence, controls::reserved_position());
  EXPECT_EQ(h.write.written().at(0).expected, controls::version());
}

TEST(WithdrawCommand, ReservedWithInsufficientFundsWritesWithdrawalRejectedAtTheProcessingTime) {
  handler h;
  auto account = controls::account();
  account.balance = money::parse("11.09");
  h.accounts.add(controls::account_id, account, controls::version());
  h(controls::reserved_withdraw());
  EXPECT_FALSE(h.write.one_message<Withdrawn>());
  const auto rejected = h.write.one_message<WithdrawalRejected>();
  ASSERT_TRUE(rejected);
  EXPECT_EQ(rejected->amount, controls::amount());
  EXPECT_EQ(rejected->time, controls::processed_time()) << "as in Eventide's component";
  EXPECT_EQ(rejected->sequence, controls::reserved_position());
  EXPECT_EQ(h.write.written().at(0).expected, controls::version());
}

TEST(WithdrawCommand, ReservedButAlreadyProcessedIsIgnored) {
  handler h;
  auto account = controls::account();
  account.sequence = controls::reserved_position() + 1;
  h.accounts.add(controls::account_id, account, controls::version());
  h(controls::reserved_withdraw());
  EXPECT_TRUE(h.write.written().empty());
  EXPECT_EQ(h.lines.at(0), "Command ignored (Command: Withdraw, Account ID: " + controls::account_id +
                                ", Account Sequence: 6, Withdrawal Sequence: 5)");
}

TEST(WithdrawCommand, WithTheReservationSubstituteSetReservedTheCommandRunsAsItsReservedCopy) {
  handler h;
  auto account = controls::account();
  account.sequence.reset();  // nothing applied yet: the command's own position is its sequence
  h.accounts.add(controls::account_id, account, controls::version());
  h(controls::withdraw());
  EXPECT_TRUE(h.write.written().empty()) << "reserved only";
  EXPECT_TRUE(h.reservation.idempotence_key(controls::withdrawal_id));
  EXPECT_TRUE(h.reservation.message(controls::withdraw()));
  h.reservation.set_reserved();
  h(controls::withdraw());
  EXPECT_TRUE(h.write.one_message<Withdrawn>());
}

}  // namespace
