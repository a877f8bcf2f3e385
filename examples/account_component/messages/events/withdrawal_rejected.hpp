#pragma once

#include <evt/message/message.hpp>
#include <evt/money.hpp>
#include <evt/timestamp.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace account_component::messages::events {

// Insufficient funds. time is when it was rejected (no processed_time), as
// in Eventide's account component.
EVT_MESSAGE(WithdrawalRejected, (std::string, withdrawal_id), (std::string, account_id), (evt::money, amount),
            (std::optional<evt::timestamp>, time), (std::int64_t, sequence));

}  // namespace account_component::messages::events
