#pragma once

#include <evt/clock.hpp>
#include <evt/message/message.hpp>

#include <string>

namespace account_component::messages::events {

EVT_MESSAGE(Closed, (std::string, account_id), (evt::time_point, time), (evt::time_point, processed_time));

}  // namespace account_component::messages::events
