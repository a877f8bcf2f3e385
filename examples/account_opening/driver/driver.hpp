#pragma once

#include <cstdint>
#include <ostream>
#include <string>

namespace account_opening {

// Runs openings as child processes (this program's `open`), crashing each
// at every crash point in turn (SIGKILL) and retrying until it finishes,
// with a payment service that fails at random; then requests each again,
// checks every effect happened exactly once, and says so. Returns the exit
// status: 0 when every effect is exactly once.
struct drive_settings {
  std::string program;   // this program
  std::string database;  // conninfo ("" : libpq's PG* variables)
  std::int64_t openings = 15;
  double payment_failure_rate = 0.3;
  std::uint64_t seed = 1;
};

int drive(const drive_settings& settings, std::ostream& out);

}  // namespace account_opening
