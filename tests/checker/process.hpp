#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

// Child processes, spawned with posix_spawn and ended by their pid only:
// the component's members, `evt`, `account-client` and the cluster script.
// Their environment is the checker's without libpq's PG* variables (every
// program is told where the store is), plus what the caller adds.
namespace evt_checker {

// Starts the program; its standard output and error are appended to `log`.
pid_t spawn(const std::vector<std::string>& argv, const std::string& log,
            const std::vector<std::string>& environment = {});

// A child's wait status once it has ended (reaped), nullopt while it runs.
std::optional<int> reap(pid_t pid);
// Waits for the child to end, at most `timeout`; nullopt if it did not.
std::optional<int> wait_for(pid_t pid, std::chrono::milliseconds timeout);
// "exit 0", "exit 1", "signal 9".
std::string describe_status(int status);
bool exited_zero(int status);

// Whether the process takes SIGTERM now (catches it, or a thread of it
// blocks it to wait for it): one just started may not yet, and would die of it.
bool takes_sigterm(pid_t pid);

void send(pid_t pid, int signal);

// Runs a program to its end (at most `timeout`; then SIGKILL): its wait
// status and standard output (standard error goes to `log`).
struct completed {
  int status = -1;
  bool timed_out = false;
  std::string output;
};
completed run(const std::vector<std::string>& argv, const std::string& log, std::chrono::milliseconds timeout,
              const std::vector<std::string>& environment = {});

// The last lines of a file (a log), for a report.
std::string tail(const std::string& path, int lines);

// Every child still running, killed (SIGKILL): on the way out after a signal.
void kill_every_child();

}  // namespace evt_checker
