#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

// A schedule: everything one run against a fresh cluster will do, chosen
// from the schedule's seed before anything runs. Its execution is real
// time against real processes, so the interleaving differs from run to run;
// the choices (accounts, commands and their ids, duplicates, foreign
// writes, faults, their order and their moments) do not.
namespace evt_checker {

struct component_configuration {
  int group_size = 0;  // 0: no consumer group (one process, Eventide's position streams)
  int concurrency = 1;
  // The component's --commits, and its --transaction-messages when per-batch
  // (small batches take the rollback-and-redo paths more often).
  bool per_batch = true;
  int transaction_messages = 100;

  int members() const { return group_size == 0 ? 1 : group_size; }
  std::string describe() const;
  bool operator==(const component_configuration&) const = default;
};

enum class standby_mode { none, sync, async };
std::string name_of(standby_mode mode);

// A logical command: one idempotence key (deposit or withdrawal id; Open and
// Close: one per account), written one or more times, always with the same
// data, by clients and by other routes. It must take effect exactly once if
// any of its writes is in the store.
struct command {
  std::string key{};      // depositId / withdrawalId; "open:<account>", "close:<account>"
  std::string type{};     // Open, Close, Deposit, Withdraw
  std::string account{};
  std::string data{};     // JSON text, as Ruby writes it
  std::string origin{};   // client, ruby, forged
};

// One write of a logical command by a client, after a pause.
struct issue {
  std::size_t command = 0;
  int pause_ms = 0;
};

// Writes by others than the clients, each at a moment of the active phase.
enum class foreign_kind {
  forged,         // a command (Open, Deposit, Withdraw) with metadata {"localProperties": {"reserved": "x"}}
  forged_close,   // the same for Close
  other_stream,   // a command written again to account:command-<account>+other
  evt_write,      // a command written again with `evt write`
  ruby,           // a command in the value forms Ruby writes (SPEC 11.1), one to three times
  poison,         // a message the component must refuse and park
  copy_again,     // a reserved copy written again into its reservation stream (chosen when it runs)
  service_event,  // a Deposited of another service (its own deposit id) in an account stream
  unknown_event,  // an event type the component does not know in an account stream
};
std::string name_of(foreign_kind kind);

struct foreign_write {
  int at_ms = 0;
  foreign_kind kind = foreign_kind::poison;
  std::optional<std::size_t> command{};  // the logical command written (forged, other_stream, evt_write, ruby)
  int times = 1;
  // Poison and events: what is written, as is.
  std::string stream{};
  std::string type{};
  std::string data{};
  std::optional<std::string> metadata{};
  std::vector<std::string> error_classes{};  // poison: the error classes it may be parked for
  std::string note{};
  std::string describe() const;
};

// What the operator does, and the faults.
enum class action_kind {
  restart_member,  // SIGTERM (it must exit 0), then start it again
  kill_member,     // SIGKILL, then start it again
  reconfigure,     // stop every member (SIGTERM, one by one, a pause apart), start the new configuration
  replay,          // evt parked replay --all account:command
  crash,           // temporary-cluster.sh crash (pg_ctl stop -m immediate, start)
  detach,          // the asynchronous standby stops receiving WAL (falls behind)
  failover,        // the primary halted (immediate), the standby promoted
};
std::string name_of(action_kind kind);

struct action {
  int at_ms = 0;
  action_kind kind = action_kind::replay;
  int member = 0;                          // restart_member, kill_member
  int pause_ms = 0;                        // kill_member: before the start again; reconfigure: between stops
  component_configuration configuration{};  // reconfigure
  std::string describe() const;
};

struct schedule {
  std::uint64_t run_seed = 0;
  std::int64_t index = 0;
  std::uint64_t seed = 0;
  bool durable = false;  // EVT_CLUSTER_DURABLE=1: fsync and synchronous commits
  standby_mode standby = standby_mode::none;
  component_configuration initial;
  int active_ms = 0;
  std::vector<std::string> accounts{};
  std::vector<command> commands{};
  std::vector<std::vector<issue>> clients{};
  std::vector<foreign_write> foreign{};
  std::vector<action> actions{};  // in time order

  // The plan, one line per choice.
  std::string describe() const;
};

struct generation {
  std::int64_t operations = 150;     // client commands (logical), duplicates not counted
  std::set<std::string> without;     // kinds left out (see kinds())
};

// The kinds --without takes: each foreign_kind's and action_kind's name,
// and concurrency / group-size for reconfigurations that change only that.
const std::vector<std::string>& kinds();

schedule generate(std::uint64_t run_seed, std::int64_t index, const generation& options);

}  // namespace evt_checker
