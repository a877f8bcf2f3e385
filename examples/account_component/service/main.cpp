// account-component: the account service. Runs until SIGINT or SIGTERM,
// then finishes the current message, records its position and exits 0;
// exits 1 when it fails, 2 on bad usage (--help says what it takes).
//
//   account-component [--database CONNINFO] [--group-member N --group-size M]
//                     [--poll-interval-ms MS] [--batch-size N] [--concurrency N]
//                     [--commits per-batch|per-write [--transaction-messages N] [--transaction-ms MS]]
//                     [--metrics-port PORT [--metrics-address ADDRESS]]
//
// Without --database, libpq's PG* variables say where the store is. One log
// line per handled message on stdout, ignored commands included. With
// --metrics-port, Prometheus metrics on http://ADDRESS:PORT/metrics (the
// consumer's and the Commands handler's reservation's; README, Metrics).
#include "command_line/metrics.hpp"
#include "command_line/program.hpp"
#include "component/component.hpp"

#include <evt/consumer/host.hpp>
#include <evt/error.hpp>
#include <evt/store/session.hpp>

#include <CLI/CLI.hpp>

#include <iostream>
#include <map>
#include <mutex>

namespace {

struct options {
  std::string database;
  std::int64_t group_member = 0;
  std::int64_t group_size = 1;
  std::int64_t poll_interval_ms = account_component::component::settings{}.poll_interval.count();
  std::int64_t batch_size = account_component::component::settings{}.batch_size;
  int concurrency = account_component::component::settings{}.concurrency;
  evt::consumer::commits commits = account_component::component::settings{}.commits;
  std::int64_t transaction_messages = account_component::component::settings{}.transaction_messages;
  std::int64_t transaction_ms = account_component::component::settings{}.transaction_time.count();
  account_component::command_line::metrics_options metrics;
};

int run(const options& given, bool in_group) {
  account_component::component::settings settings;
  if (in_group) {
    if (given.group_member >= given.group_size) {
      throw CLI::ValidationError{"--group-member", "must be less than --group-size"};
    }
    settings.consumer_group = evt::store::consumer_group{.member = given.group_member, .size = given.group_size};
  }
  settings.poll_interval = std::chrono::milliseconds{given.poll_interval_ms};
  settings.batch_size = given.batch_size;
  settings.concurrency = given.concurrency;
  settings.commits = given.commits;
  settings.transaction_messages = given.transaction_messages;
  settings.transaction_time = std::chrono::milliseconds{given.transaction_ms};
  std::mutex output;
  settings.log = [&output](const std::string& line) {
    const std::lock_guard lock{output};
    std::cout << line << std::endl;
  };

  evt::store::session session{{.conninfo = given.database}};
  account_component::component component{session, settings};
  settings.log("Account component started (Category: account:command, Position Streams: " +
               component.reservations().position_stream_name() + ", " +
               component.reserved_copies().position_stream_name() + ")");
  evt::host host;
  host.add(component.reservations()).add(component.reserved_copies());
  evt::metrics::registry metrics;
  metrics.add(host);
  for (const auto& commands : component.commands()) metrics.add(commands->reservation, commands->name());
  const auto endpoint =
      account_component::command_line::serve_metrics(given.metrics, metrics, session.settings(), settings.log);
  const auto status = host.run();
  settings.log(status == 0 ? "Account component stopped" : "Account component failed");
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"The account service: handles the account:command category until SIGINT or SIGTERM (then exit 0).",
               "account-component"};
  options given;
  app.add_option("--database", given.database, "libpq conninfo of the store (default: libpq's PG* variables)");
  auto* member = app.add_option("--group-member", given.group_member, "this process's member of a consumer group")
                     ->check(CLI::Range(0, 1'000'000));
  auto* size = app.add_option("--group-size", given.group_size, "the consumer group's size")
                   ->check(CLI::Range(1, 1'000'000));
  member->needs(size);
  size->needs(member);
  app.add_option("--poll-interval-ms", given.poll_interval_ms, "how often to read the category when idle")
      ->check(CLI::Range(1, 3'600'000))
      ->capture_default_str();
  app.add_option("--batch-size", given.batch_size, "messages read at once")
      ->check(CLI::Range(1, 1'000'000))
      ->capture_default_str();
  app.add_option("--concurrency", given.concurrency,
                 "workers handling different accounts at once, each on its own connection (README, Concurrency)")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  const std::map<std::string, evt::consumer::commits> commits{{"per-batch", evt::consumer::commits::per_batch},
                                                               {"per-write", evt::consumer::commits::per_write}};
  app.add_option("--commits", given.commits,
                 "per-batch: a batch's effects and the position past it in one transaction; per-write: each write "
                 "commits alone (README, Commits)")
      ->transform(CLI::CheckedTransformer(commits, CLI::ignore_case))
      ->default_str(given.commits == evt::consumer::commits::per_batch ? "per-batch" : "per-write");
  app.add_option("--transaction-messages", given.transaction_messages, "per-batch: messages per transaction, at most")
      ->check(CLI::Range(1, 1'000'000))
      ->capture_default_str();
  app.add_option("--transaction-ms", given.transaction_ms,
                 "per-batch: no message is added to a transaction this long after it began")
      ->check(CLI::Range(0, 60'000))
      ->capture_default_str();
  account_component::command_line::add_metrics_options(app, given.metrics);
  return account_component::command_line::run_program(app, argc, argv, [&] { return run(given, member->count() > 0); });
}
