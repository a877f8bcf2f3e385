// order-outbox: orders written with their messages in one transaction, and
// the outbox relay that delivers those messages (evt::relay).
//
//   order-outbox install [--database CONNINFO]
//   order-outbox place --prefix P --orders N [--amount A] [--interval-ms MS] [--database CONNINFO]
//       orders P-1 .. P-N: each an orders row and OrderPlaced, OrderPaid in order-<id>
//   order-outbox relay (--file PATH | --webhook URL) [--name NAME] [--max-attempts N] [--database CONNINFO]
//                      [--metrics-port PORT [--metrics-address ADDRESS]]
//       delivers the order category until SIGINT/SIGTERM (exit 0), then prints
//       what it did; serves the relay's metrics with --metrics-port
//   order-outbox verify --file PATH [--database CONNINFO]
//       exit 0 when the file holds every message, first deliveries in the
//       order written, and every duplicate flagged as a possible redelivery
//
// Without --database, libpq's PG* variables say where the store is. Bad
// usage (--help says what each command takes) exits 2, an error 1.
#include "command_line/metrics.hpp"
#include "command_line/program.hpp"
#include "command_line/signals.hpp"
#include "orders/orders.hpp"

#include <evt/relay/file_sink.hpp>
#include <evt/relay/relay.hpp>
#include <evt/relay/webhook_sink.hpp>
#include <evt/store/session.hpp>

#include <CLI/CLI.hpp>

#include <atomic>
#include <chrono>
#include <iostream>
#include <memory>
#include <thread>

namespace {

struct options {
  std::string database;
  // place
  std::string prefix;
  std::int64_t orders = 0;
  std::int64_t amount = 0;  // 0: each order's number
  std::int64_t interval_ms = 0;
  // relay and verify
  std::string file;
  std::string webhook;
  std::string name = "orders";
  std::int64_t max_attempts = 5;
  account_component::command_line::metrics_options metrics;
};

int place(evt::store::session& session, const options& given) {
  const std::chrono::milliseconds interval{given.interval_ms};
  for (std::int64_t n = 1; n <= given.orders; ++n) {
    order_outbox::place(session, given.prefix + "-" + std::to_string(n), given.amount == 0 ? n : given.amount);
    std::this_thread::sleep_for(interval);
  }
  return 0;
}

int relay(evt::store::session& session, const options& given) {
  const auto& stopping = account_component::command_line::stop_on_signals();
  std::unique_ptr<evt::relay::sink> sink;
  if (!given.file.empty()) {
    sink = std::make_unique<evt::relay::file_sink>(given.file);
  } else {
    sink = std::make_unique<evt::relay::webhook_sink>(evt::relay::webhook_sink::settings{.url = given.webhook});
  }
  evt::relay::relay relay{session, *sink,
                          {.name = given.name,
                           .category = order_outbox::category,
                           .poll_interval = std::chrono::milliseconds{20},
                           .max_attempts = given.max_attempts,
                           .log = [](const std::string& line) { std::cerr << line << std::endl; }}};
  evt::metrics::registry metrics;
  metrics.add(relay);
  const auto endpoint = account_component::command_line::serve_metrics(given.metrics, metrics, session.settings(),
                                                                       nullptr);  // to standard error
  std::cerr << "Relaying " << order_outbox::category << " from global position " << relay.position() + 1 << std::endl;
  relay.run([&stopping] { return stopping.load(); });
  const auto& done = relay.telemetry();
  std::cout << "Delivered " << done.delivered << " (" << done.possible_redeliveries << " possible redeliveries), "
            << done.retries << " retries, " << done.dead_lettered << " dead-lettered" << std::endl;
  return 0;
}

int verify(evt::store::session& session, const options& given) {
  const auto verdict = order_outbox::verify(session, given.file);
  std::cout << verdict.messages << " messages in the store, " << verdict.lines << " deliveries: every message "
            << (verdict.problems.empty() ? "delivered, in order, no gap; " : "NOT delivered as it should be; ")
            << verdict.duplicates << " duplicates, " << verdict.duplicates_flagged
            << " of them flagged as possible redeliveries" << std::endl;
  for (const auto& problem : verdict.problems) std::cout << "WRONG: " << problem << std::endl;
  return verdict.problems.empty() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Orders written with their messages in one transaction, and the outbox relay that delivers them.",
               "order-outbox"};
  options given;
  app.add_option("--database", given.database, "libpq conninfo of the store (default: libpq's PG* variables)");

  auto* install = app.add_subcommand("install", "create the orders table");

  auto* placing = app.add_subcommand("place", "place orders P-1 .. P-N: each an orders row and OrderPlaced, OrderPaid "
                                              "in order-<id>");
  placing->add_option("--prefix", given.prefix, "P, the orders' ids' prefix")->required();
  placing->add_option("--orders", given.orders, "N, how many orders")->required()->check(CLI::Range(1, 1'000'000));
  placing->add_option("--amount", given.amount, "each order's amount (default: the order's number)")
      ->check(CLI::Range(1, 1'000'000));
  placing->add_option("--interval-ms", given.interval_ms, "the pause after each order")
      ->check(CLI::Range(0, 60'000))
      ->capture_default_str();

  auto* relaying = app.add_subcommand(
      "relay", "deliver the order category until SIGINT or SIGTERM (exit 0), then print what was delivered");
  auto* sink = relaying->add_option_group("sink", "where to deliver: one of");
  sink->add_option("--file", given.file, "append each message to this file, one JSON line each");
  sink->add_option("--webhook", given.webhook, "post each message to this URL");
  sink->require_option(1);
  relaying->add_option("--name", given.name, "the relay's name (its position stream)")->capture_default_str();
  relaying->add_option("--max-attempts", given.max_attempts, "deliveries of one message before it is dead-lettered")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  account_component::command_line::add_metrics_options(*relaying, given.metrics);

  auto* verifying = app.add_subcommand("verify", "exit 0 when the file holds every message, first deliveries in the "
                                                 "order written, and every duplicate flagged as a possible redelivery");
  verifying->add_option("--file", given.file, "the relay's file")->required();
  app.require_subcommand(1);

  return account_component::command_line::run_program(app, argc, argv, [&] {
    evt::store::session session{{.conninfo = given.database}};
    if (*install) {
      order_outbox::install(session);
      return 0;
    }
    if (*placing) return place(session, given);
    if (*relaying) return relay(session, given);
    return verify(session, given);
  });
}
