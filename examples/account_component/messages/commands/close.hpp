#pragma once

#include <evt/clock.hpp>
#include <evt/message/message.hpp>

#include <string>

namespace account_component::messages::commands {

EVT_MESSAGE(Close, (std::string, account_id), (evt::time_point, time));

}  // namespace account_component::messages::commands
