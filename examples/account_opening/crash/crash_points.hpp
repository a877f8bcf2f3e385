#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace account_opening {

// Where a run of the opening may be made to crash (SIGKILL, no clean-up),
// in the order a run reaches them.
const std::vector<std::string>& crash_points();

// Kills this process when it reaches the crash point it was given.
class crash_at {
 public:
  explicit crash_at(std::string point = {});  // an unknown point is an evt::error
  void reached(std::string_view point) const;

 private:
  std::string point_;
};

}  // namespace account_opening
