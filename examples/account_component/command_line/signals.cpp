#include "command_line/signals.hpp"

#include <csignal>

namespace account_component::command_line {
namespace {
std::atomic<bool> stop_requested{false};
}  // namespace

const std::atomic<bool>& stop_on_signals() {
  std::signal(SIGINT, [](int) { stop_requested = true; });
  std::signal(SIGTERM, [](int) { stop_requested = true; });
  return stop_requested;
}

}  // namespace account_component::command_line
