#include "component/handlers/commands.hpp"

#include "messages/events/closed.hpp"
#include "messages/events/deposited.hpp"
#include "messages/events/opened.hpp"
#include "messages/events/withdrawal_rejected.hpp"
#include "messages/events/withdrawn.hpp"

#include "component/validation.hpp"

#include <evt/error.hpp>
#include <evt/message/follow.hpp>
#include <evt/stream_name.hpp>

namespace account_component::handlers {

using namespace messages::commands;
using namespace messages::events;

namespace {

std::string account_stream(const std::string& account_id) { return evt::stream_name(category, account_id); }

// The reserved copy's global position: the order of commands that took
// effect, so a copy handled again is recognised.
std::int64_t sequence_of(const evt::metadata& reserved) {
  if (!reserved.global_position) {
    throw evt::error{"A reserved command has no global position (Stream: " + reserved.stream_name.value_or("unknown") + ")"};
  }
  return *reserved.global_position;
}

// A command the component does not accept is refused before anything is
// reserved or written (see validation.hpp): the consumer parks it.
template <class Command>
void check(const Command& command, const std::optional<evt::money>& amount = std::nullopt) {
  auto problem = account_problem(command.account_id, command.metadata);
  if (!problem && amount) problem = amount_problem(*amount);
  if (!problem) return;
  throw evt::invalid_message_error{*problem + " (Command: " + std::string{Command::message_type} +
                                   ", Account ID: " + command.account_id +
                                   (amount ? ", Amount: " + amount->to_string() : std::string{}) + ")"};
}

}  // namespace

Commands::Commands() {
  handle<Open>(&Commands::open);
  handle<Close>(&Commands::close);
  handle<Deposit>(&Commands::deposit);
  handle<Withdraw>(&Commands::withdraw);
}

void Commands::set_log(const std::function<void(const std::string&)>& log) {
  log_ = log;
  reservation.set_log(log);
}

void Commands::ignored(const std::string& line) const {
  if (log_) log_(line);
}

void Commands::open(const Open& open) {
  check(open);
  const auto [account, version] = accounts.fetch(open.account_id);
  if (account.is_open()) {
    ignored("Command ignored (Command: Open, Account ID: " + open.account_id + ", Customer ID: " + open.customer_id + ")");
    return;
  }
  auto opened = evt::follow<Opened>(open);
  opened.processed_time = clock();
  write(opened, account_stream(open.account_id), version);
}

void Commands::close(const Close& close) {
  check(close);
  const auto [account, version] = accounts.fetch(close.account_id);
  if (account.is_closed()) {
    ignored("Command ignored (Command: Close, Account ID: " + close.account_id + ")");
    return;
  }
  auto closed = evt::follow<Closed>(close);
  closed.processed_time = clock();
  write(closed, account_stream(close.account_id), version);
}

// Deposits and withdrawals, the commands that come by the thousand: every
// decision made on the account is either safe on an older version of it
// (has it processed this sequence: once true, always true) or guarded by
// the write expecting the version it was fetched at, which fails when
// another writer (the component's other consumer with an Open or Close, a
// Ruby service, an operator) got there first. So the account this handler
// wrote is answered from the cache next time, without a read
// (entity_store::written); a write that failed, an expected version
// included, forgets it, and the command handled again reads it. Events are
// written with synchronous commits: the cache never holds one a server
// crash could take back. Open and Close read the account each time: they
// are rare, and an account that cannot be read must not pass for open.
template <class Event>
void Commands::record(const Event& event, const std::string& account_id, std::int64_t version) {
  std::int64_t position = 0;
  try {
    position = write(event, account_stream(account_id), version);
  } catch (...) {
    accounts.forget(account_id);
    throw;
  }
  accounts.written(account_id, event, position);
}

bool Commands::has_processed(const Account& account, std::int64_t sequence, const std::string& command) const {
  if (!account.has_processed(sequence)) return false;
  ignored("Command ignored (Command: " + command + ", Account ID: " + account.id +
          ", Account Sequence: " + std::to_string(account.sequence.value_or(-1)) + ", " +
          (command == "Deposit" ? "Deposit" : "Withdrawal") + " Sequence: " + std::to_string(sequence) + ")");
  return true;
}

void Commands::deposit(const Deposit& deposit) {
  check(deposit, deposit.amount);
  reservation(deposit, &Deposit::deposit_id, [this](const Deposit& reserved) {
    const auto [account, version] = accounts.fetch(reserved.account_id);
    const auto sequence = sequence_of(reserved.metadata);
    if (has_processed(account, sequence, "Deposit")) return;
    auto deposited = evt::follow<Deposited>(reserved);
    deposited.processed_time = clock();
    deposited.sequence = sequence;
    record(deposited, reserved.account_id, version);
  });
}

void Commands::withdraw(const Withdraw& withdraw) {
  check(withdraw, withdraw.amount);
  reservation(withdraw, &Withdraw::withdrawal_id, [this](const Withdraw& reserved) {
    const auto [account, version] = accounts.fetch(reserved.account_id);
    const auto sequence = sequence_of(reserved.metadata);
    if (has_processed(account, sequence, "Withdraw")) return;
    if (!account.has_sufficient_funds(reserved.amount)) {
      auto rejected = evt::follow<WithdrawalRejected>(reserved);
      rejected.time = clock();
      rejected.sequence = sequence;
      record(rejected, reserved.account_id, version);
      return;
    }
    auto withdrawn = evt::follow<Withdrawn>(reserved);
    withdrawn.processed_time = clock();
    withdrawn.sequence = sequence;
    record(withdrawn, reserved.account_id, version);
  });
}

}  // namespace account_component::handlers
