#pragma once

// A message as `evt messages` and `evt tail` print it: the columns of
// message_store.messages, as Message DB's print-messages.sh shows them.
#include "cli/output.hpp"

#include <evt/store/message_data.hpp>

namespace evt::cli {

record message_record(const store::message_data& message);

}  // namespace evt::cli
