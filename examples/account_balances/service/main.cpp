// account-balances: the account_balances table, kept from the account
// component's events by a projector (evt::projector).
//
//   account-balances install [--database CONNINFO]     create the table
//   account-balances run [--database CONNINFO] [--batch-size N] [--poll-interval-ms MS]
//                        [--metrics-port PORT [--metrics-address ADDRESS]]
//       keeps the table until SIGINT/SIGTERM (exit 0), serving the projector's
//       metrics with --metrics-port
//   account-balances rebuild [--database CONNINFO] [--batch-size N]
//       empties the table, applies every event again
//   account-balances show [--database CONNINFO]        the rows, one per line
//   account-balances check [--database CONNINFO] [--batch-size N]
//       catches up, rebuilds up to the same position, and compares: exit 0
//       when the incremental and the rebuilt tables are identical, 1 (and
//       both) otherwise. Stop `run` first: it would change the table under
//       the comparison.
//
// Without --database, libpq's PG* variables say where the store is; the
// table lives in the store's database, so that events and rows commit
// together. Exit 2 on bad usage (--help says what each command takes), 1
// on an error.
#include "command_line/metrics.hpp"
#include "command_line/program.hpp"
#include "command_line/signals.hpp"
#include "read_model/account_balances.hpp"

#include <evt/store/session.hpp>

#include <CLI/CLI.hpp>

#include <atomic>
#include <iostream>

namespace {

struct options {
  std::string database;
  std::int64_t batch_size = 100;
  std::int64_t poll_interval_ms = 100;
  account_component::command_line::metrics_options metrics;  // run
};

void print(const std::vector<std::string>& rows) {
  for (const auto& row : rows) std::cout << row << "\n";
}

evt::projector build_projector(evt::store::session& session, const options& given) {
  const std::chrono::milliseconds poll_interval{given.poll_interval_ms};
  return account_balances::build_projector(session, given.batch_size, poll_interval);
}

int run(evt::store::session& session, const options& given) {
  const auto& stopping = account_component::command_line::stop_on_signals();
  auto projector = build_projector(session, given);
  evt::metrics::registry metrics;
  metrics.add(projector);
  const auto endpoint = account_component::command_line::serve_metrics(
      given.metrics, metrics, session.settings(), [](const std::string& line) { std::cout << line << std::endl; });
  std::cout << "Projecting the account category into account_balances from global position " << projector.position() + 1
            << std::endl;
  projector.run([&stopping] { return stopping.load(); });
  std::cout << "Stopped at global position " << projector.position() << " (" << projector.telemetry().applied
            << " events applied in " << projector.telemetry().transactions << " transactions)" << std::endl;
  return 0;
}

int rebuild(evt::store::session& session, const options& given) {
  auto projector = build_projector(session, given);
  const auto applied = projector.rebuild(account_balances::reset);
  std::cout << "Rebuilt from " << applied << " events" << std::endl;
  return 0;
}

int check(evt::store::session& session, const options& given) {
  auto projector = build_projector(session, given);
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

// A command that projects: the projector's options.
CLI::App* add_projecting(CLI::App& app, const std::string& name, const std::string& description, options& given) {
  auto* command = app.add_subcommand(name, description);
  command->add_option("--batch-size", given.batch_size, "events applied in one transaction")
      ->check(CLI::Range(1, 100'000))
      ->capture_default_str();
  command->add_option("--poll-interval-ms", given.poll_interval_ms, "how often to read the category when idle")
      ->check(CLI::Range(1, 3'600'000))
      ->capture_default_str();
  return command;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"The account_balances table, kept from the account component's events by a projector.",
               "account-balances"};
  options given;
  app.add_option("--database", given.database,
                 "libpq conninfo of the store, where the table lives too (default: libpq's PG* variables)");
  auto* install = app.add_subcommand("install", "create the table");
  auto* keep = add_projecting(app, "run", "keep the table until SIGINT or SIGTERM (exit 0)", given);
  account_component::command_line::add_metrics_options(*keep, given.metrics);
  auto* again = add_projecting(app, "rebuild", "empty the table and apply every event again", given);
  auto* show = app.add_subcommand("show", "print the rows, one per line");
  auto* compare = add_projecting(app, "check",
                                 "catch up, rebuild up to the same position and compare: exit 0 when the incremental "
                                 "and the rebuilt tables are identical, 1 (and both) otherwise; stop `run` first",
                                 given);
  app.require_subcommand(1);
  return account_component::command_line::run_program(app, argc, argv, [&] {
    evt::store::session session{{.conninfo = given.database}};
    if (*install) {
      account_balances::install(session);
    } else if (*keep) {
      return run(session, given);
    } else if (*again) {
      return rebuild(session, given);
    } else if (*show) {
      print(account_balances::rows(session));
    } else if (*compare) {
      return check(session, given);
    }
    return 0;
  });
}
