#pragma once

#include <evt/message/message.hpp>
#include <evt/money.hpp>
#include <evt/timestamp.hpp>

#include <optional>
#include <string>

namespace account_component::messages::commands {

// withdrawal_id: the idempotence key, as deposit_id is for Deposit.
EVT_MESSAGE(Withdraw, (std::string, withdrawal_id), (std::string, account_id), (evt::money, amount),
            (std::optional<evt::timestamp>, time));

}  // namespace account_component::messages::commands
