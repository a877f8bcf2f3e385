#pragma once

#include <evt/clock.hpp>
#include <evt/message/message.hpp>
#include <evt/money.hpp>

#include <cstdint>
#include <string>

namespace account_component::messages::events {

EVT_MESSAGE(Withdrawn, (std::string, withdrawal_id), (std::string, account_id), (evt::money, amount),
            (evt::time_point, time), (evt::time_point, processed_time), (std::int64_t, sequence));

}  // namespace account_component::messages::events
