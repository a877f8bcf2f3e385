#pragma once

#include <functional>
#include <string>

namespace evt {

// Where a consumer, an entity store or a projector says what it did: a
// function of one line. What must not go unsaid (an error, a parked
// message, an ignored snapshot) goes to standard error without one.
using log_sink = std::function<void(const std::string&)>;
void log_or_stderr(const log_sink& sink, const std::string& line);

}  // namespace evt
