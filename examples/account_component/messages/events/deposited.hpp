#pragma once

#include <evt/message/message.hpp>
#include <evt/money.hpp>
#include <evt/timestamp.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace account_component::messages::events {

// sequence: the global position of the (reserved) command that caused it.
EVT_MESSAGE(Deposited, (std::string, deposit_id), (std::string, account_id), (evt::money, amount),
            (std::optional<evt::timestamp>, time), (std::optional<evt::timestamp>, processed_time), (std::int64_t, sequence));

}  // namespace account_component::messages::events
