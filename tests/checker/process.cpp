#include "process.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <deque>
#include <dirent.h>
#include <fcntl.h>
#include <fstream>
#include <mutex>
#include <set>
#include <spawn.h>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace evt_checker {

namespace {

std::mutex children_mutex;
std::set<pid_t>& children() {
  static std::set<pid_t> running;
  return running;
}

std::vector<std::string> environment_with(const std::vector<std::string>& additions) {
  std::vector<std::string> result;
  for (char** variable = environ; *variable != nullptr; ++variable) {
    const std::string entry{*variable};
    if (entry.rfind("PG", 0) == 0) continue;
    result.push_back(entry);
  }
  for (const auto& addition : additions) result.push_back(addition);
  return result;
}

pid_t spawn_with(const std::vector<std::string>& argv, int out, int err, const std::vector<std::string>& environment) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err, STDERR_FILENO);
  // The child gets the default signal dispositions and an empty mask.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t none;
  sigemptyset(&none);
  sigset_t every;
  sigfillset(&every);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setsigdefault(&attributes, &every);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  const auto env_strings = environment_with(environment);
  std::vector<char*> env;
  for (const auto& entry : env_strings) env.push_back(const_cast<char*>(entry.c_str()));
  env.push_back(nullptr);
  pid_t pid = 0;
  const int failed = posix_spawn(&pid, args[0], &actions, &attributes, args.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (failed != 0) throw std::runtime_error{"Cannot start " + argv[0] + ": " + std::strerror(failed)};
  const std::lock_guard lock{children_mutex};
  children().insert(pid);
  return pid;
}

int open_log(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error{"Cannot open " + path + ": " + std::strerror(errno)};
  return fd;
}

void forget(pid_t pid) {
  const std::lock_guard lock{children_mutex};
  children().erase(pid);
}

}  // namespace

pid_t spawn(const std::vector<std::string>& argv, const std::string& log, const std::vector<std::string>& environment) {
  const int fd = open_log(log);
  try {
    const auto pid = spawn_with(argv, fd, fd, environment);
    ::close(fd);
    return pid;
  } catch (...) {
    ::close(fd);
    throw;
  }
}

std::optional<int> reap(pid_t pid) {
  int status = 0;
  const auto done = ::waitpid(pid, &status, WNOHANG);
  if (done == pid) {
    forget(pid);
    return status;
  }
  if (done < 0 && errno == ECHILD) {
    forget(pid);
    return -1;
  }
  return std::nullopt;
}

std::optional<int> wait_for(pid_t pid, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto pause = std::chrono::milliseconds{2};
  for (;;) {
    if (const auto status = reap(pid)) return status;
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds{50});
  }
}

std::string describe_status(int status) {
  if (status == -1) return "unknown (not a child)";
  if (WIFEXITED(status)) return "exit " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "signal " + std::to_string(WTERMSIG(status));
  return "status " + std::to_string(status);
}

bool exited_zero(int status) { return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0; }

bool takes_sigterm(pid_t pid) {
  const auto tasks = "/proc/" + std::to_string(pid) + "/task";
  DIR* dir = ::opendir(tasks.c_str());
  if (dir == nullptr) return false;
  unsigned long long masks = 0;
  while (const auto* entry = ::readdir(dir)) {
    if (entry->d_name[0] == '.') continue;
    std::ifstream status{tasks + "/" + entry->d_name + "/status"};
    std::string line;
    while (std::getline(status, line)) {
      if (line.rfind("SigBlk:", 0) == 0 || line.rfind("SigCgt:", 0) == 0) {
        masks |= std::stoull(line.substr(7), nullptr, 16);
      }
    }
  }
  ::closedir(dir);
  return (masks & (1ULL << (SIGTERM - 1))) != 0;
}

void send(pid_t pid, int signal) { ::kill(pid, signal); }

completed run(const std::vector<std::string>& argv, const std::string& log, std::chrono::milliseconds timeout,
              const std::vector<std::string>& environment) {
  char path[] = "/tmp/evt-checker-output.XXXXXX";
  const int out = ::mkstemp(path);
  if (out < 0) throw std::runtime_error{std::string{"Cannot make a temporary file: "} + std::strerror(errno)};
  ::unlink(path);
  const int err = open_log(log);
  completed result;
  try {
    const auto pid = spawn_with(argv, out, err, environment);
    ::close(err);
    auto status = wait_for(pid, timeout);
    if (!status) {
      result.timed_out = true;
      ::kill(pid, SIGKILL);
      status = wait_for(pid, std::chrono::seconds{10});
    }
    result.status = status.value_or(-1);
  } catch (...) {
    ::close(err);
    ::close(out);
    throw;
  }
  ::lseek(out, 0, SEEK_SET);
  char buffer[65536];
  ssize_t n = 0;
  while ((n = ::read(out, buffer, sizeof buffer)) > 0) result.output.append(buffer, static_cast<std::size_t>(n));
  ::close(out);
  return result;
}

std::string tail(const std::string& path, int lines) {
  std::ifstream in{path};
  std::deque<std::string> last;
  std::string line;
  while (std::getline(in, line)) {
    last.push_back(line);
    if (static_cast<int>(last.size()) > lines) last.pop_front();
  }
  std::string text;
  for (const auto& l : last) text += "    | " + l + "\n";
  return text;
}

void kill_every_child() {
  std::set<pid_t> running;
  {
    const std::lock_guard lock{children_mutex};
    running = children();
  }
  for (const auto pid : running) ::kill(pid, SIGKILL);
  for (const auto pid : running) wait_for(pid, std::chrono::seconds{5});
}

}  // namespace evt_checker
