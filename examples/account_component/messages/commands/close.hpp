#pragma once

#include <evt/message/message.hpp>
#include <evt/timestamp.hpp>

#include <optional>
#include <string>

namespace account_component::messages::commands {

EVT_MESSAGE(Close, (std::string, account_id), (std::optional<evt::timestamp>, time));

}  // namespace account_component::messages::commands
