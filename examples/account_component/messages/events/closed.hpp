#pragma once

#include <evt/message/message.hpp>
#include <evt/timestamp.hpp>

#include <optional>
#include <string>

namespace account_component::messages::events {

EVT_MESSAGE(Closed, (std::string, account_id), (std::optional<evt::timestamp>, time), (std::optional<evt::timestamp>, processed_time));

}  // namespace account_component::messages::events
