#pragma once

#include <evt/clock.hpp>
#include <evt/message/message.hpp>
#include <evt/money.hpp>

#include <string>

namespace account_component::messages::commands {

// deposit_id: the idempotence key; a deposit issued again with the same id
// is applied once.
EVT_MESSAGE(Deposit, (std::string, deposit_id), (std::string, account_id), (evt::money, amount), (evt::time_point, time));

}  // namespace account_component::messages::commands
