#pragma once

#include <evt/message/message.hpp>
#include <evt/money.hpp>
#include <evt/timestamp.hpp>

#include <optional>
#include <string>

namespace account_component::messages::commands {

// deposit_id: the idempotence key; a deposit issued again with the same id
// is applied once.
EVT_MESSAGE(Deposit, (std::string, deposit_id), (std::string, account_id), (evt::money, amount),
            (std::optional<evt::timestamp>, time));

}  // namespace account_component::messages::commands
