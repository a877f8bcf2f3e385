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
#include <evt/uuid.hpp>

#include <nlohmann/json.hpp>

namespace account_component::handlers {

using namespace messages::commands;
using namespace messages::events;

namespace {

std::string account_stream(const std::string& account_id) { return evt::stream_name(category, account_id); }

// The account's command stream: a deposit's or withdrawal's reservation is
// named after it (account:command-<account>+<key>), whichever of the
// account's streams the command was written to.
std::string command_stream(const std::string& account_id) { return evt::stream_name(command_category, account_id); }


// The types of the effect of a command.
bool is_outcome_of(std::string_view command, std::string_view type) {
  if (command == "Open") return type == "Opened";
  if (command == "Close") return type == "Closed";
  if (command == "Deposit") return type == "Deposited";
  return type == "Withdrawn" || type == "WithdrawalRejected";
}

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

std::string Commands::effect_id(const std::string& account_id, std::string_view command, std::string_view key) {
  return evt::name_uuid(nlohmann::json::array({"account component", account_stream(account_id), command, key}).dump());
}

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
  const auto [account, version] = accounts.fetch_current(open.account_id);
  if (account.is_open()) {
    ignored("Command ignored (Command: Open, Account ID: " + open.account_id + ", Customer ID: " + open.customer_id + ")");
    return;
  }
  auto opened = evt::follow<Opened>(open);
  opened.processed_time = clock();
  opened.metadata.message_id = effect_id(open.account_id, "Open");
  record(opened, open.account_id, version, "Open");
}

void Commands::close(const Close& close) {
  check(close);
  const auto [account, version] = accounts.fetch_current(close.account_id);
  if (account.is_closed()) {
    ignored("Command ignored (Command: Close, Account ID: " + close.account_id + ")");
    return;
  }
  auto closed = evt::follow<Closed>(close);
  closed.processed_time = clock();
  closed.metadata.message_id = effect_id(close.account_id, "Close");
  record(closed, close.account_id, version, "Close");
}

// Deposits and withdrawals, the commands that come by the thousand: every
// decision made on the account is either safe on an older version of it
// (has it processed this sequence: once true, always true) or guarded by
// the write expecting the version it was fetched at, which fails when
// another writer (the component's other consumer with an Open or Close, a
// Ruby service, an operator) got there first. So the account this handler
// wrote is answered from the cache next time, without a read
// (entity_store::written); a write that failed, an expected version
// included, forgets it, and the command handled again reads it (the
// consumer also tells every handler to forget it on a conflict, and
// everything when a connection was lost). Events are written with
// synchronous commits (evt::store makes every write durable): the cache
// never holds one a server crash could take back. Open and Close read
// the events written since the cached version each time: they are rare,
// and an account that cannot be read must not pass for open.
//
// An event whose id is in the store already (effect_id) is the command's
// effect, there already: the command took effect once, and is ignored.
template <class Event>
void Commands::record(const Event& event, const std::string& account_id, std::int64_t version,
                      const std::string& command) {
  std::int64_t position = 0;
  try {
    position = write(event, account_stream(account_id), version);
  } catch (const evt::duplicate_message_id_error&) {
    const auto id = event.metadata.message_id.value_or("");
    const auto holder = effects.holding(id);
    // Not its effect, under the id another writer took (it is derived from
    // public names): refused for it, not taken for done.
    if (holder && (holder->stream_name != account_stream(account_id) || !is_outcome_of(command, holder->type))) {
      throw evt::reservation_error{"The id of its effect is taken by another message (Command: " + command +
                                   ", Account ID: " + account_id + ", Event ID: " + id + ", Stream: " +
                                   holder->stream_name + ", Type: " + holder->type + ")"};
    }
    ignored("Command ignored (Command: " + command + ", Account ID: " + account_id +
            ", it took effect already: Event ID: " + id + ")");
    return;
  } catch (...) {
    accounts.forget(account_id);
    throw;
  }
  accounts.written(account_id, event, position);
}

bool Commands::has_processed(const Account& account, const evt::metadata& reserved, const std::string& command,
                             const std::string& key) const {
  const auto sequence = sequence_of(reserved);
  if (account.has_processed(sequence)) {
    ignored("Command ignored (Command: " + command + ", Account ID: " + account.id +
            ", Account Sequence: " + std::to_string(account.sequence.value_or(-1)) + ", " +
            (command == "Deposit" ? "Deposit" : "Withdrawal") + " Sequence: " + std::to_string(sequence) + ")");
    return true;
  }
  // A replayed copy (later in its reservation stream) has a sequence of its
  // own, newer than its command's: its outcome is looked for by its key (one
  // a Ruby component wrote has no id of ours).
  if (reserved.position.value_or(0) == 0 || !effects.recorded(account.id, command, key)) return false;
  ignored("Command ignored (Command: " + command + ", Account ID: " + account.id + ", Key: " + key +
          ", its outcome is in the account already)");
  return true;
}

void Commands::deposit(const Deposit& deposit) {
  check(deposit, deposit.amount);
  const auto commands = command_stream(deposit.account_id);
  reservation(deposit, &Deposit::deposit_id, evt::reservation::within{commands}, [this](const Deposit& reserved) {
    const auto [account, version] = accounts.fetch(reserved.account_id);
    if (has_processed(account, reserved.metadata, "Deposit", reserved.deposit_id)) return;
    const auto sequence = sequence_of(reserved.metadata);
    auto deposited = evt::follow<Deposited>(reserved);
    deposited.processed_time = clock();
    deposited.sequence = sequence;
    deposited.metadata.message_id = effect_id(reserved.account_id, "Deposit", reserved.deposit_id);
    record(deposited, reserved.account_id, version, "Deposit");
  });
}

void Commands::withdraw(const Withdraw& withdraw) {
  check(withdraw, withdraw.amount);
  const auto commands = command_stream(withdraw.account_id);
  reservation(withdraw, &Withdraw::withdrawal_id, evt::reservation::within{commands}, [this](const Withdraw& reserved) {
    const auto [account, version] = accounts.fetch(reserved.account_id);
    if (has_processed(account, reserved.metadata, "Withdraw", reserved.withdrawal_id)) return;
    const auto sequence = sequence_of(reserved.metadata);
    const auto id = effect_id(reserved.account_id, "Withdraw", reserved.withdrawal_id);
    if (!account.has_sufficient_funds(reserved.amount)) {
      auto rejected = evt::follow<WithdrawalRejected>(reserved);
      rejected.time = clock();
      rejected.sequence = sequence;
      rejected.metadata.message_id = id;
      record(rejected, reserved.account_id, version, "Withdraw");
      return;
    }
    auto withdrawn = evt::follow<Withdrawn>(reserved);
    withdrawn.processed_time = clock();
    withdrawn.sequence = sequence;
    withdrawn.metadata.message_id = id;
    record(withdrawn, reserved.account_id, version, "Withdraw");
  });
}

}  // namespace account_component::handlers
