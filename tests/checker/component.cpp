#include "component.hpp"

#include "process.hpp"

#include <csignal>
#include <fstream>
#include <thread>

namespace evt_checker {

component::component(std::string binary, std::string conninfo, std::string log_directory, clock::time_point origin)
    : binary_{std::move(binary)},
      conninfo_{std::move(conninfo)},
      log_directory_{std::move(log_directory)},
      origin_{origin} {}

component::~component() {
  for (auto& m : members_) {
    if (m.pid != 0) {
      send(m.pid, SIGKILL);
      wait_for(m.pid, std::chrono::seconds{5});
      m.pid = 0;
    }
  }
}

long long component::now_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - origin_).count();
}

std::string component::log_of(int member) const {
  return log_directory_ + "/member-" + std::to_string(member) + ".log";
}

void component::note(int member, const std::string& line) const {
  std::ofstream{log_of(member), std::ios::app} << "=== checker at " << now_ms() << " ms: " << line << std::endl;
}

void component::start(const component_configuration& configuration) {
  configuration_ = configuration;
  members_.assign(static_cast<std::size_t>(configuration.members()), member{});
  for (int m = 0; m < configuration.members(); ++m) start_member(m);
}

void component::start_member(int m) {
  std::vector<std::string> argv{binary_,
                                "--database",
                                conninfo_,
                                "--poll-interval-ms",
                                "20",
                                "--concurrency",
                                std::to_string(configuration_.concurrency),
                                "--commits",
                                configuration_.per_batch ? "per-batch" : "per-write",
                                "--transaction-messages",
                                std::to_string(configuration_.transaction_messages)};
  if (configuration_.group_size > 0) {
    argv.insert(argv.end(), {"--group-member", std::to_string(m), "--group-size",
                             std::to_string(configuration_.group_size)});
  }
  auto& slot = members_.at(static_cast<std::size_t>(m));
  slot.pid = spawn(argv, log_of(m));
  note(m, "started pid " + std::to_string(slot.pid) + " (" + configuration_.describe() + ")");
}

void component::stop_member(int m, bool report) {
  auto& slot = members_.at(static_cast<std::size_t>(m));
  if (slot.pid == 0) return;
  const auto pid = slot.pid;
  // One just started may not take SIGTERM yet: it would die of it.
  const auto deadline = clock::now() + std::chrono::seconds{20};
  while (!takes_sigterm(pid) && clock::now() < deadline) {
    if (reap(pid)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
  note(m, "SIGTERM to pid " + std::to_string(pid));
  send(pid, SIGTERM);
  auto status = wait_for(pid, std::chrono::seconds{60});
  slot.pid = 0;
  if (!status) {
    send(pid, SIGKILL);
    wait_for(pid, std::chrono::seconds{10});
    if (report) {
      problems_.push_back("member " + std::to_string(m) + " (pid " + std::to_string(pid) +
                          ") did not stop within 60 s of SIGTERM (killed); " + log_of(m) + ":\n" + tail(log_of(m), 12));
    }
    return;
  }
  note(m, "pid " + std::to_string(pid) + " ended: " + describe_status(*status));
  if (report && !exited_zero(*status)) {
    problems_.push_back("member " + std::to_string(m) + " (pid " + std::to_string(pid) +
                        ") did not stop cleanly on SIGTERM: " + describe_status(*status) + "; " + log_of(m) + ":\n" +
                        tail(log_of(m), 12));
  }
}

void component::stop_all(std::chrono::milliseconds between) {
  check();
  for (int m = 0; m < static_cast<int>(members_.size()); ++m) {
    if (m > 0) std::this_thread::sleep_for(between);
    stop_member(m, true);
  }
}

void component::restart_member(int m) {
  check();
  stop_member(m, true);
  start_member(m);
}

void component::kill_member(int m) {
  check();
  auto& slot = members_.at(static_cast<std::size_t>(m));
  if (slot.pid == 0) return;
  note(m, "SIGKILL to pid " + std::to_string(slot.pid));
  send(slot.pid, SIGKILL);
  wait_for(slot.pid, std::chrono::seconds{10});
  slot.pid = 0;
}

void component::check() {
  for (int m = 0; m < static_cast<int>(members_.size()); ++m) {
    auto& slot = members_[static_cast<std::size_t>(m)];
    if (slot.pid == 0) continue;
    if (const auto status = reap(slot.pid)) {
      note(m, "pid " + std::to_string(slot.pid) + " ended by itself: " + describe_status(*status));
      problems_.push_back("member " + std::to_string(m) + " (pid " + std::to_string(slot.pid) +
                          ") exited without being told to: " + describe_status(*status) + " at " +
                          std::to_string(now_ms()) + " ms; " + log_of(m) + ":\n" + tail(log_of(m), 12));
      slot.pid = 0;
      start_member(m);
    }
  }
}

}  // namespace evt_checker
