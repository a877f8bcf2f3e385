// account-balances: the account_balances table, kept from the account
// component's events by a projector (evt::projector).
//
//   account-balances install [--database CONNINFO]     create the table
//   account-balances run [--database CONNINFO] [--batch-size N] [--poll-interval-ms MS]
//       keeps the table until SIGINT/SIGTERM (exit 0)
//   account-balances rebuild [--database CONNINFO]     empty the table, apply every event again
//   account-balances show [--database CONNINFO]        the rows, one per line
//   account-balances check [--database CONNINFO]
//       catches up, rebuilds up to the same position, and compares: exit 0
//       when the incremental and the rebuilt tables are identical, 1 (and
//       both) otherwise. Stop `run` first: it would change the table under
//       the comparison.
//
// Without --database, libpq's PG* variables say where the store is; the
// table lives in the store's database, so that events and rows commit
// together.
#include "command_line/arguments.hpp"
#include "read_model/account_balances.hpp"

#include <evt/store/session.hpp>

#include <atomic>
#include <iostream>

namespace {

using account_component::command_line::arguments;

constexpr const char* usage =
    "usage: account-balances install|run|rebuild|show|check [--database CONNINFO] [--batch-size N]\n"
    "                        [--poll-interval-ms MS]\n";

void print(const std::vector<std::string>& rows) {
  for (const auto& row : rows) std::cout << row << "\n";
}

int run(const arguments& args) {
  const auto& command = args.command();
  const auto& stopping = account_component::command_line::stop_on_signals();
  evt::store::session session{{.conninfo = args.option("database").value_or("")}};
  if (command == "install") {
    account_balances::install(session);
    return 0;
  }
  auto projector = account_balances::build_projector(
      session, args.number("batch-size", 1, 100'000).value_or(100),
      std::chrono::milliseconds{args.number("poll-interval-ms", 1, 3'600'000).value_or(100)});
  if (command == "run") {
    std::cout << "Projecting the account category into account_balances from global position "
              << projector.position() + 1 << std::endl;
    projector.run([&stopping] { return stopping.load(); });
    std::cout << "Stopped at global position " << projector.position() << " (" << projector.telemetry().applied
              << " events applied in " << projector.telemetry().transactions << " transactions)" << std::endl;
    return 0;
  }
  if (command == "rebuild") {
    const auto applied = projector.rebuild(account_balances::reset);
    std::cout << "Rebuilt from " << applied << " events" << std::endl;
    return 0;
  }
  if (command == "show") {
    print(account_balances::rows(session));
    return 0;
  }
  if (command == "check") {
    // Both as of one position: events written meanwhile come after.
    projector.catch_up();
    const auto position = projector.position();
    const auto incremental = account_balances::rows(session);
    const auto events = projector.rebuild(account_balances::reset, position);
    const auto rebuilt = account_balances::rows(session);
    projector.catch_up();
    if (incremental == rebuilt) {
      std::cout << "Identical: " << incremental.size() << " accounts, incremental and rebuilt from " << events
                << " events" << std::endl;
      return 0;
    }
    std::cout << "DIFFERENT. Incremental:\n";
    print(incremental);
    std::cout << "Rebuilt:\n";
    print(rebuilt);
    return 1;
  }
  throw arguments::usage_error{"Unknown command " + command};
}

}  // namespace

int main(int argc, char** argv) {
  return account_component::command_line::run_program("account-balances", usage, argc, argv,
                                                      {"database", "batch-size", "poll-interval-ms"}, run);
}
