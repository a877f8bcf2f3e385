#pragma once

// Example data for the account component's tests (Eventide's controls):
// fixed ids, times and amounts, and commands as the consumer reads them.
#include "component/account.hpp"
#include "messages/commands/close.hpp"
#include "messages/commands/deposit.hpp"
#include "messages/commands/open.hpp"
#include "messages/commands/withdraw.hpp"

#include <evt/clock.hpp>
#include <evt/money.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace account_component::controls {

inline const std::string account_id = "00000011-0000-4000-8000-000000000000";
inline const std::string customer_id = "00000111-0000-4000-8000-000000000000";
inline const std::string deposit_id = "00000021-0000-4000-8000-000000000000";
inline const std::string withdrawal_id = "00000031-0000-4000-8000-000000000000";

evt::money amount();                 // 11.1
evt::time_point time();              // when a command was issued
evt::time_point processed_time();    // time + 11 ms: what the handler's clock says
std::int64_t command_position();     // 1: global position of an original command
std::int64_t reserved_position();    // 5: global position of a reserved copy (the sequence)
std::int64_t version();              // 1: the account stream's version

// Commands as read from account:command-<account_id>.
messages::commands::Open open();
messages::commands::Close close();
messages::commands::Deposit deposit();
messages::commands::Withdraw withdraw();
// Their reserved copies, as read from account:command-<account_id>+<key>.
messages::commands::Deposit reserved_deposit();
messages::commands::Withdraw reserved_withdraw();

// An open account with a balance of 11.1 and sequence 1.
Account account();

// Values a Ruby Eventide service or client writes (SPEC 11.1): Ruby's
// attributes are untyped, so an amount is any JSON number Ruby makes and a
// time any ISO 8601 text, or null. Each as Ruby writes it, and as the store
// (jsonb) keeps it and gives it back.
namespace ruby {

struct value {
  std::string written;  // by Ruby
  std::string stored;   // by jsonb
};
const std::vector<value>& amounts();  // 100, 11.5, 4.0, 0.1 + 0.2, 1.0e-05, 1.0e+20, an Integer beyond 64 bits
const std::vector<value>& times();    // Clock.iso8601, Time#iso8601(3) at +00:00 and -05:30, microseconds, nil
// A Deposit's data as Ruby's account client writes it, with these JSON values.
std::string deposit_data(const std::string& amount, const std::string& time);

}  // namespace ruby

}  // namespace account_component::controls
