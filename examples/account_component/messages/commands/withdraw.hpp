#pragma once

#include <evt/clock.hpp>
#include <evt/message/message.hpp>
#include <evt/money.hpp>

#include <string>

namespace account_component::messages::commands {

// withdrawal_id: the idempotence key, as deposit_id is for Deposit.
EVT_MESSAGE(Withdraw, (std::string, withdrawal_id), (std::string, account_id), (evt::money, amount),
            (evt::time_point, time));

}  // namespace account_component::messages::commands
