#pragma once

#include "component/account_effects.hpp"
#include "component/store.hpp"
#include "messages/commands/close.hpp"
#include "messages/commands/deposit.hpp"
#include "messages/commands/open.hpp"
#include "messages/commands/withdraw.hpp"

#include <evt/clock.hpp>
#include <evt/handler/dependency.hpp>
#include <evt/handler/handler.hpp>
#include <evt/reservation/reservation.hpp>
#include <evt/store/session.hpp>
#include <evt/write/writer.hpp>

#include <functional>
#include <string>
#include <string_view>

namespace account_component::handlers {

// The command handler of account:command (SPEC 7.5, with the reservation
// pattern instead of the accountTransaction category):
// - Open and Close write Opened / Closed unless the account is open /
//   closed already.
// - Deposit and Withdraw are reserved by deposit_id / withdrawal_id within
//   the account (account:command-<account>+<key>, whichever of the account's
//   streams the command came from); the reserved copy, when it comes back,
//   is applied once more by sequence (its global position): Deposited,
//   Withdrawn, or WithdrawalRejected when the funds do not suffice.
// - Each effect (Opened, Closed, a deposit's and a withdrawal's outcome) is
//   written with an id of its own, derived from the account, the kind of
//   command and its key: written a second time, whatever the route, the
//   store refuses it, and the command is ignored as having taken effect.
// Events go to account-<id>, expecting the version the account was fetched
// at. Commands it ignores are logged at info level. A command it does not
// accept (validation.hpp: an amount that is not positive, an account id
// that is not its stream's) is refused with evt::invalid_message_error
// before anything is reserved or written, and so parked by the consumer.
//
// Its dependencies are substitutes until it is configured (the consumer it
// is added to does it): write (records), reservation (the same rules,
// writing to a substitute writer), accounts (answers what was add()ed);
// the clock is settable. Quiet until given a log sink.
class Commands : public evt::handler {
 public:
  Commands();

  evt::dependency<evt::writer> write{*this};
  evt::dependency<evt::reservation> reservation{*this};
  evt::dependency<store> accounts{*this, substitute_store()};
  evt::dependency<account_effects> effects{*this};
  std::function<evt::time_point()> clock = evt::now;

  // Info lines of ignored commands, the reservation's included.
  void set_log(const std::function<void(const std::string&)>& log);

  // The id of a command's effect, its event: the same however the command
  // arrived (issued again, by another route, a parked copy replayed), so
  // the store's unique index of ids refuses a second one. One per account
  // and command ("Open", "Close", "Deposit", "Withdraw"), with its key:
  // Opened, Closed, the outcome of a deposit (Deposited) and of a
  // withdrawal (Withdrawn or WithdrawalRejected).
  static std::string effect_id(const std::string& account_id, std::string_view command, std::string_view key = {});

 private:
  void open(const messages::commands::Open& open);
  void close(const messages::commands::Close& close);
  void deposit(const messages::commands::Deposit& deposit);
  void withdraw(const messages::commands::Withdraw& withdraw);
  void ignored(const std::string& line) const;
  // Writes the account's event expecting `version`, and keeps the account
  // current in the cache without a read; an event there already (its id)
  // means the command took effect before: ignored.
  template <class Event>
  void record(const Event& event, const std::string& account_id, std::int64_t version, const std::string& command);
  // Whether the account has taken this command already (then logged as
  // ignored): its sequence, or, for a replayed copy (whose sequence is its
  // own), its outcome by its key.
  bool has_processed(const Account& account, const evt::metadata& reserved, const std::string& command,
                     const std::string& key) const;

  std::function<void(const std::string&)> log_;
};

}  // namespace account_component::handlers
