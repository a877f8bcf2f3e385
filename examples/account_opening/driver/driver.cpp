#include "driver/driver.hpp"

#include "crash/crash_points.hpp"
#include "driver/effects.hpp"

#include <evt/error.hpp>
#include <evt/uuid.hpp>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <map>
#include <optional>
#include <vector>

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace account_opening {
namespace {

struct child_result {
  int exit_status = -1;  // when it exited
  int signal = 0;        // when it was killed
  std::string output;    // its standard output
};

// Runs the program with these arguments and collects its standard output.
child_result run_child(const std::vector<std::string>& arguments) {
  std::array<int, 2> pipe_ends{};
  if (::pipe(pipe_ends.data()) != 0) throw evt::error{std::string{"pipe failed: "} + std::strerror(errno)};
  posix_spawn_file_actions_t actions;
  if (posix_spawn_file_actions_init(&actions) != 0 ||
      posix_spawn_file_actions_adddup2(&actions, pipe_ends[1], STDOUT_FILENO) != 0 ||
      posix_spawn_file_actions_addclose(&actions, pipe_ends[0]) != 0) {
    throw evt::error{"Cannot prepare a child process (out of memory)"};
  }
  std::vector<char*> argv;
  for (const auto& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, arguments.front().c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_ends[1]);
  if (spawned != 0) {
    ::close(pipe_ends[0]);
    throw evt::error{"Cannot start " + arguments.front() + ": " + std::strerror(spawned)};
  }
  child_result result;
  std::array<char, 4096> buffer{};
  for (ssize_t got; (got = ::read(pipe_ends[0], buffer.data(), buffer.size())) != 0;) {
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) break;
    result.output.append(buffer.data(), static_cast<std::size_t>(got));
  }
  ::close(pipe_ends[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw evt::error{"Cannot wait for " + arguments.front() + ": " + std::strerror(errno)};
  }
  if (WIFEXITED(status)) result.exit_status = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  return result;
}

constexpr int payment_failed_status = 3;  // `open`'s exit status when the payment service failed

struct tally {
  std::int64_t runs = 0;
  std::int64_t crashes = 0;
  std::int64_t payment_failures = 0;
  std::map<std::string, std::int64_t> crashes_at;
};

}  // namespace

int drive(const drive_settings& settings, std::ostream& out) {
  out << "Account opening: " << settings.openings << " openings, each crashed (SIGKILL) at every recovery point, "
      << "payment service failure rate " << settings.payment_failure_rate << ", seed " << settings.seed << std::endl;
  const auto run_id = evt::random_uuid().substr(0, 8);
  std::uint64_t child_seed = settings.seed;
  tally total;
  std::vector<std::string> problems;
  std::int64_t replays_right = 0;
  evt::store::session session{{.conninfo = settings.database}};

  for (std::int64_t i = 0; i < settings.openings; ++i) {
    const request request{.key = "opening-" + run_id + "-" + std::to_string(i),
                          .account_id = evt::random_uuid(),
                          .customer_id = evt::random_uuid(),
                          .amount = evt::money::parse(std::to_string(100 + i) + ".25")};
    tally opening;
    const auto open = [&](const std::string& crash_point) {
      std::vector<std::string> arguments{settings.program, "open", "--key", request.key, "--account", request.account_id,
                                         "--customer", request.customer_id, "--amount", request.amount.to_string(),
                                         "--payment-failure-rate", std::to_string(settings.payment_failure_rate),
                                         "--seed", std::to_string(++child_seed)};
      if (!settings.database.empty()) arguments.insert(arguments.end(), {"--database", settings.database});
      if (!crash_point.empty()) arguments.insert(arguments.end(), {"--crash-at", crash_point});
      ++opening.runs;
      const auto result = run_child(arguments);
      if (result.signal == SIGKILL) {
        ++opening.crashes;
        ++opening.crashes_at[crash_point];
      } else if (result.exit_status == payment_failed_status) {
        ++opening.payment_failures;
      } else if (result.exit_status != 0) {
        throw evt::error{"account-opening open failed (Key: " + request.key + ", Exit Status: " +
                         std::to_string(result.exit_status) + ", Signal: " + std::to_string(result.signal) + ")"};
      }
      return result;
    };
    for (const auto& point : crash_points()) {
      // Until it gets there: the payment service may fail on the way.
      for (int tries = 0; open(point).signal != SIGKILL; ++tries) {
        if (tries == 100) throw evt::error{"Never reached crash point " + point + " (Key: " + request.key + ")"};
      }
    }
    std::optional<child_result> finished;
    while (!finished) {
      auto result = open("");
      if (result.exit_status == 0) finished = std::move(result);
    }
    std::optional<child_result> again;
    while (!again) {
      auto result = open("");
      if (result.exit_status == 0) again = std::move(result);
    }
    const auto first_line = [](const std::string& text) { return text.substr(0, text.find('\n')); };
    const bool replayed = again->output.find("\nReplayed: yes") != std::string::npos;
    if (replayed && first_line(again->output) == first_line(finished->output)) {
      ++replays_right;
    } else {
      problems.push_back("the repeated request was not answered from the record (Key: " + request.key + ")");
    }
    const auto found = read_effects(session, request);
    for (auto& problem : found.problems(request)) problems.push_back(std::move(problem));
    out << "  " << request.key << ": " << opening.runs << " runs (" << opening.crashes << " crashed, "
        << opening.payment_failures << " payment failures), " << first_line(finished->output)
        << std::endl;
    total.runs += opening.runs;
    total.crashes += opening.crashes;
    total.payment_failures += opening.payment_failures;
    for (const auto& [point, count] : opening.crashes_at) total.crashes_at[point] += count;
  }

  const auto openings = settings.openings;
  out << "Runs: " << total.runs << ", retries: " << total.runs - openings << " (" << total.crashes << " after crashes, "
      << total.payment_failures << " after payment failures, " << openings << " repeats of a finished request)\n";
  out << "Crashes at each point:";
  for (const auto& point : crash_points()) out << " " << point << " " << total.crashes_at[point] << ";";
  out << "\nEffects checked for " << openings << " openings: account opened once, one deposit, one charge, "
      << "balance as requested, recovery points once each; repeated requests answered from the record: "
      << replays_right << "/" << openings << "\n";
  for (const auto& problem : problems) out << "  WRONG: " << problem << "\n";
  out << (problems.empty() ? "Every effect exactly once." : "Effects NOT exactly once.") << std::endl;
  return problems.empty() ? 0 : 1;
}

}  // namespace account_opening
