#pragma once

#include <evt/message/message.hpp>
#include <evt/timestamp.hpp>

#include <optional>
#include <string>

namespace account_component::messages::events {

// processed_time: when the handler processed the command.
EVT_MESSAGE(Opened, (std::string, account_id), (std::string, customer_id), (std::optional<evt::timestamp>, time),
            (std::optional<evt::timestamp>, processed_time));

}  // namespace account_component::messages::events
