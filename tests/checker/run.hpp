#pragma once

#include "checks.hpp"
#include "schedule.hpp"

#include <atomic>
#include <string>
#include <vector>

// One schedule, run: a fresh cluster (and standby), the component's members,
// the clients and the foreign writer for the active phase while the
// operator's actions and the faults happen at their moments; then quiet
// (the component in its final configuration), a bounded wait until
// everything in the store is handled, the checks, `evt parked replay --all
// account:command`, another wait, the checks again and the comparison,
// the balances, and the members stopped (each must exit 0).
namespace evt_checker {

struct run_options {
  std::string bin{};             // account-component, account-client
  std::string evt{};             // the evt command line
  std::string cluster_script{};  // message_db/temporary-cluster.sh
  std::string installer{};       // the schema's install.sh
  std::string work;            // a folder of the run (schedule-K inside)
  int quiet_seconds = 60;      // the bound: everything handled this long after the last fault
  bool keep = false;           // leave a failing schedule's cluster and files
};

struct schedule_result {
  std::vector<violation> violations{};
  std::vector<std::string> lost{};
  std::string summary{};
  std::string directory{};
  bool kept = false;
};

// Set by SIGINT / SIGTERM: the schedule stops where it is, cleans up.
std::atomic<bool>& interrupted();

schedule_result run_schedule(const run_options& options, const schedule& schedule);

}  // namespace evt_checker
