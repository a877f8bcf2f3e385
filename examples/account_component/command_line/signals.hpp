#pragma once

#include <atomic>

namespace account_component::command_line {

// From now on, SIGINT and SIGTERM ask the program to stop: the flag turns
// true (the program finishes what it does, then exits 0).
const std::atomic<bool>& stop_on_signals();

}  // namespace account_component::command_line
