#pragma once

#include "history.hpp"
#include "schedule.hpp"

#include <atomic>
#include <string>
#include <thread>

// What others write while the clients work (schedule.hpp, foreign_kind):
// forged markers, commands written again by other routes (another stream
// of the account, `evt write`), Ruby's value forms, poison, reserved copies
// written again into their reservation streams, and events of other
// services in account streams. One thread, its own session, each write at
// its moment; every message it writes goes into the history with what it
// is meant to be.
namespace evt_checker {

class foreign_writer {
 public:
  foreign_writer(const schedule& schedule, std::string conninfo, std::string evt, std::string log, history& history,
                 const std::atomic<bool>& abandon, clock::time_point origin);
  ~foreign_writer();
  void start();
  void join();

 private:
  void run();

  const schedule& schedule_;
  std::string conninfo_;
  std::string evt_;
  std::string log_;
  history& history_;
  const std::atomic<bool>& abandon_;
  clock::time_point origin_;
  std::thread thread_;
};

// The metadata of a forged marker.
inline constexpr const char* forged_metadata = "{\"localProperties\": {\"reserved\": \"x\"}}";

}  // namespace evt_checker
