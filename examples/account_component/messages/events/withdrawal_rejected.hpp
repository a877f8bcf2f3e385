#pragma once

#include <evt/clock.hpp>
#include <evt/message/message.hpp>
#include <evt/money.hpp>

#include <cstdint>
#include <string>

namespace account_component::messages::events {

// Insufficient funds. time is when it was rejected (no processed_time), as
// in Eventide's account component.
EVT_MESSAGE(WithdrawalRejected, (std::string, withdrawal_id), (std::string, account_id), (evt::money, amount),
            (evt::time_point, time), (std::int64_t, sequence));

}  // namespace account_component::messages::events
