#pragma once

#include <evt/message/message.hpp>
#include <evt/timestamp.hpp>

#include <optional>
#include <string>

namespace account_component::messages::commands {

// time: when the command was issued (its effective time); null when the
// issuer gave none, as Ruby allows.
EVT_MESSAGE(Open, (std::string, account_id), (std::string, customer_id), (std::optional<evt::timestamp>, time));

}  // namespace account_component::messages::commands
