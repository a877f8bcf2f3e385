#pragma once

#include "history.hpp"
#include "schedule.hpp"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

// The schedule's clients: one thread each, with its own evt::store session,
// writing its logical commands to account:command-<account> as Ruby's
// account client writes them (SPEC 11: the command's JSON, no metadata),
// duplicates included, each write retried until it is in (writer.hpp).
namespace evt_checker {

class clients {
 public:
  clients(const schedule& schedule, std::string conninfo, history& history, const std::atomic<bool>& abandon);
  ~clients();
  void start();
  void join();

 private:
  void run(std::size_t client);

  const schedule& schedule_;
  std::string conninfo_;
  history& history_;
  const std::atomic<bool>& abandon_;
  std::vector<std::thread> threads_;
};

// Sleeps, or less if `abandon` is set meanwhile.
void pause(std::chrono::milliseconds duration, const std::atomic<bool>& abandon);

}  // namespace evt_checker
