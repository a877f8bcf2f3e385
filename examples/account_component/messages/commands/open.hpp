#pragma once

#include <evt/clock.hpp>
#include <evt/message/message.hpp>

#include <string>

namespace account_component::messages::commands {

// time: when the command was issued (its effective time).
EVT_MESSAGE(Open, (std::string, account_id), (std::string, customer_id), (evt::time_point, time));

}  // namespace account_component::messages::commands
