#pragma once

#include <evt/message/metadata.hpp>
#include <evt/money.hpp>

#include <optional>
#include <string>

namespace account_component {

// What the component accepts in a command. A command that breaks a rule is
// refused with evt::invalid_message_error before anything is reserved or
// written, so the consumer parks it (account:command+deadLetter-<id>) and
// its deposit or withdrawal id stays free for a corrected command. No
// balance changes. The client refuses the same before writing.
//
// Amounts (Deposit, Withdraw): greater than zero, at most max_amount, and
// at most max_amount_scale decimal places (0.30000000000000004, a Ruby
// Float sum, is an amount; exponent forms such as 1.0e-05 come back from
// the store as plain decimals, 0.000010).
inline constexpr int max_amount_scale = 20;
const evt::money& max_amount();  // 1,000,000,000,000
std::optional<std::string> amount_problem(const evt::money& amount);

// Account ids: not empty, no '+' (account-<id> would be a compound id),
// and, for a command read from a stream, the id of that stream (its
// cardinal id), so that each consumer group member sees every command of
// its accounts.
std::optional<std::string> account_problem(const std::string& account_id, const evt::metadata& command);

}  // namespace account_component
