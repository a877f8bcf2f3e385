#pragma once

#include <evt/clock.hpp>
#include <evt/message/message.hpp>

#include <string>

namespace account_component::messages::events {

// processed_time: when the handler processed the command.
EVT_MESSAGE(Opened, (std::string, account_id), (std::string, customer_id), (evt::time_point, time),
            (evt::time_point, processed_time));

}  // namespace account_component::messages::events
