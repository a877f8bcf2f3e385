#include "crash/crash_points.hpp"

#include <evt/error.hpp>

#include <algorithm>
#include <csignal>
#include <iostream>

#include <unistd.h>

namespace account_opening {

const std::vector<std::string>& crash_points() {
  static const std::vector<std::string> points{
      "account_opened:begin",    "account_opened:before_commit", "funds_collected:begin",
      "funds_collected:charged", "deposited:begin",              "deposited:before_commit",
      "finished:before_reply"};
  return points;
}

crash_at::crash_at(std::string point) : point_{std::move(point)} {
  if (!point_.empty() && std::find(crash_points().begin(), crash_points().end(), point_) == crash_points().end()) {
    throw evt::error{"Unknown crash point (Crash Point: " + point_ + ")"};
  }
}

void crash_at::reached(std::string_view point) const {
  if (point != point_) return;
  std::cerr << "account-opening: crashing at " << point << std::endl;
  ::kill(::getpid(), SIGKILL);
}

}  // namespace account_opening
