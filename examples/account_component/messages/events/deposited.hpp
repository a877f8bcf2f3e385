#pragma once

#include <evt/clock.hpp>
#include <evt/message/message.hpp>
#include <evt/money.hpp>

#include <cstdint>
#include <string>

namespace account_component::messages::events {

// sequence: the global position of the (reserved) command that caused it.
EVT_MESSAGE(Deposited, (std::string, deposit_id), (std::string, account_id), (evt::money, amount),
            (evt::time_point, time), (evt::time_point, processed_time), (std::int64_t, sequence));

}  // namespace account_component::messages::events
