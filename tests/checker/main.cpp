// evt-account-checker: a randomized checker of the account component, after
// Jepsen's histories. From a seed it builds schedules (clients issuing
// commands with duplicates and retries, foreign writes, operator actions,
// faults), runs each against real processes (account-component, evt,
// account-client) and a fresh PostgreSQL cluster (optionally with a
// streaming standby), then checks the store against the clients' history
// (tests/checker/README.md).
//
//   evt-account-checker --bin DIR --evt PATH --cluster-script PATH [--installer PATH]
//                       [--seed S] [--schedules N | --minutes M | --schedule K]
//                       [--operations N] [--work DIR] [--keep] [--without KIND,...]
//
// Exit 0: no violation; 1: violations (each printed with the seed, the
// schedule and the evidence); 2: bad usage.
#include "process.hpp"
#include "run.hpp"
#include "schedule.hpp"

#include <CLI/CLI.hpp>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <random>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace {

void on_signal(int) { evt_checker::interrupted() = true; }

std::string rerun_line(const std::string& program, std::uint64_t seed, std::int64_t schedule,
                       const std::string& common) {
  return program + " --seed " + std::to_string(seed) + " --schedule " + std::to_string(schedule) + common;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Randomized checker of the account component: schedules of clients, foreign writes, operator actions "
               "and faults against real processes and a real PostgreSQL, then the store checked against the "
               "clients' history (tests/checker/README.md).",
               "evt-account-checker"};
  evt_checker::run_options options;
  std::optional<std::uint64_t> seed;
  std::optional<std::int64_t> schedules;
  std::optional<double> minutes;
  std::optional<std::int64_t> only;
  evt_checker::generation generation;
  std::string without;
  app.add_option("--bin", options.bin, "the folder of account-component and account-client")
      ->required()
      ->check(CLI::ExistingDirectory);
  app.add_option("--evt", options.evt, "the evt command line")->required()->check(CLI::ExistingFile);
  app.add_option("--cluster-script", options.cluster_script, "message_db/temporary-cluster.sh")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--installer", options.installer,
                 "the schema's installer (default: install.sh beside the cluster script; or the official Message "
                 "DB's database/install.sh)")
      ->check(CLI::ExistingFile);
  app.add_option("--seed", seed, "the run's seed (default: a random one, printed)");
  auto* count = app.add_option("--schedules", schedules, "how many schedules (default 1)")->check(CLI::PositiveNumber);
  auto* time = app.add_option("--minutes", minutes, "start schedules until this many minutes have passed")
                   ->check(CLI::PositiveNumber);
  auto* one = app.add_option("--schedule", only, "run only schedule K of the seed (a rerun)")
                  ->check(CLI::NonNegativeNumber);
  count->excludes(time)->excludes(one);
  time->excludes(one);
  app.add_option("--operations", generation.operations, "client commands per schedule (duplicates not counted)")
      ->check(CLI::Range(10, 100'000))
      ->capture_default_str();
  app.add_option("--quiet-seconds", options.quiet_seconds,
                 "the bound: everything in the store handled this long after the last fault")
      ->check(CLI::Range(5, 3600))
      ->capture_default_str();
  app.add_option("--work", options.work, "the folder for the schedules' clusters and logs (default: a new one in /tmp)");
  app.add_flag("--keep", options.keep, "leave the cluster and files of a failing schedule for inspection");
  bool plan = false;
  app.add_flag("--plan", plan, "print the schedules' plans (every choice) and exit, running nothing");
  std::string kind_list;
  for (const auto& k : evt_checker::kinds()) kind_list += (kind_list.empty() ? "" : ", ") + k;
  app.add_option("--without", without,
                 "leave these kinds of foreign writes, actions and faults out (comma-separated: " + kind_list +
                     "); every other choice of the schedule stays the same");
  CLI11_PARSE(app, argc, argv);

  std::stringstream kinds_given{without};
  for (std::string k; std::getline(kinds_given, k, ',');) {
    if (k.empty()) continue;
    const auto& all = evt_checker::kinds();
    if (std::find(all.begin(), all.end(), k) == all.end()) {
      std::cerr << "evt-account-checker: --without: unknown kind " << k << " (kinds: " << kind_list << ")\n";
      return 2;
    }
    generation.without.insert(k);
  }
  options.bin = std::filesystem::absolute(options.bin).string();
  options.evt = std::filesystem::absolute(options.evt).string();
  options.cluster_script = std::filesystem::absolute(options.cluster_script).string();
  if (options.installer.empty()) {
    options.installer = (std::filesystem::path{options.cluster_script}.parent_path() / "install.sh").string();
  }
  options.installer = std::filesystem::absolute(options.installer).string();
  for (const auto* program : {"account-component", "account-client"}) {
    if (::access((options.bin + "/" + program).c_str(), X_OK) != 0) {
      std::cerr << "evt-account-checker: --bin: no " << program << " in " << options.bin << "\n";
      return 2;
    }
  }
  if (plan) options.work = "(none: --plan)";
  if (options.work.empty()) {
    char folder[] = "/tmp/evt-checker-XXXXXX";
    if (::mkdtemp(folder) == nullptr) {
      std::cerr << "evt-account-checker: cannot make a work folder in /tmp\n";
      return 1;
    }
    options.work = folder;
  }
  if (!plan) {
    std::filesystem::create_directories(options.work);
    options.work = std::filesystem::absolute(options.work).string();
    // The servers run as user postgres: it must reach the clusters' folders.
    ::chmod(options.work.c_str(), 0755);
  }

  if (!seed) seed = (static_cast<std::uint64_t>(std::random_device{}()) << 32) ^ std::random_device{}();
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);

  std::string common = " --bin " + options.bin + " --evt " + options.evt + " --cluster-script " +
                       options.cluster_script + " --installer " + options.installer + " --operations " +
                       std::to_string(generation.operations);
  if (!without.empty()) common += " --without " + without;
  std::error_code no_link;
  auto program = std::filesystem::read_symlink("/proc/self/exe", no_link).string();
  if (program.empty()) program = argv[0];
  std::cout << "evt-account-checker: seed " << *seed << " (work folder " << options.work << ")" << std::endl;

  const auto started = std::chrono::steady_clock::now();
  std::int64_t ran = 0;
  std::int64_t failed = 0;
  std::int64_t violations = 0;
  std::int64_t lost = 0;
  for (std::int64_t k = only.value_or(0);; ++k) {
    if (only && k != *only) break;
    if (!only && !minutes && k >= schedules.value_or(1)) break;
    if (minutes && std::chrono::steady_clock::now() - started >= std::chrono::duration<double, std::ratio<60>>{*minutes}) {
      break;
    }
    if (evt_checker::interrupted()) break;
    const auto s = evt_checker::generate(*seed, k, generation);
    if (plan) {
      std::cout << "\n" << s.describe();
      ++ran;
      continue;
    }
    std::cout << "\nschedule " << k << " (seed " << *seed << ", schedule seed " << s.seed << "): "
              << s.accounts.size() << " accounts, " << s.commands.size() << " logical commands, "
              << s.clients.size() << " clients, " << s.foreign.size() << " foreign writes, " << s.actions.size()
              << " actions; " << (s.durable ? "durable" : "fsync off") << ", standby "
              << evt_checker::name_of(s.standby) << "; component " << s.initial.describe() << std::endl;
    for (const auto& a : s.actions) std::cout << "  action " << a.describe() << std::endl;
    const auto schedule_started = std::chrono::steady_clock::now();
    const auto result = evt_checker::run_schedule(options, s);
    ++ran;
    lost += static_cast<std::int64_t>(result.lost.size());
    std::cout << "  " << result.summary << " ("
              << std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - schedule_started)
                     .count()
              << " s)" << std::endl;
    if (!result.lost.empty()) {
      std::cout << "  " << result.lost.size()
                << " acknowledged writes lost in the asynchronous failover (acknowledged before it; not violations):\n";
      for (std::size_t l = 0; l < result.lost.size() && l < 3; ++l) std::cout << "    " << result.lost[l] << "\n";
      if (result.lost.size() > 3) std::cout << "    ...\n";
    }
    if (result.violations.empty()) {
      std::cout << "  no violation" << std::endl;
      std::filesystem::remove_all(result.directory);
      continue;
    }
    ++failed;
    // Grouped by invariant, the first few cases of each (all of them in violations.txt).
    std::vector<std::string> invariants;
    for (const auto& v : result.violations) {
      if (std::find(invariants.begin(), invariants.end(), v.invariant) == invariants.end()) {
        invariants.push_back(v.invariant);
      }
    }
    for (const auto& invariant : invariants) {
      std::vector<const evt_checker::violation*> cases;
      for (const auto& v : result.violations) {
        if (v.invariant == invariant) cases.push_back(&v);
      }
      violations += static_cast<std::int64_t>(cases.size());
      std::cout << "VIOLATION [seed " << *seed << ", schedule " << k << "] " << invariant;
      if (cases.size() > 1) std::cout << " (" << cases.size() << " cases)";
      std::cout << "\n";
      for (std::size_t c = 0; c < cases.size() && c < 4; ++c) std::cout << "  " << cases[c]->evidence << "\n";
      if (cases.size() > 4) std::cout << "  ... " << cases.size() - 4 << " more in " << result.directory << "/violations.txt\n";
    }
    std::cout << "  rerun: " << rerun_line(program, *seed, k, common) << "\n  files: " << result.directory
              << (result.kept ? " (cluster left running: temporary-cluster.sh stop DIR/primary, DIR/standby)" : "")
              << std::endl;
  }
  std::cout << "\nevt-account-checker: seed " << *seed << ": " << ran << " schedules, " << failed << " with violations ("
            << violations << " violations), " << lost << " acknowledged writes lost in asynchronous failovers"
            << std::endl;
  if (plan) return 0;
  if (failed == 0) {
    std::error_code ignored;
    std::filesystem::remove(options.work, ignored);  // only if empty
  }
  evt_checker::kill_every_child();
  return failed == 0 ? 0 : 1;
}
