// order-outbox: orders written with their messages in one transaction, and
// the outbox relay that delivers those messages (evt::relay).
//
//   order-outbox install [--database CONNINFO]
//   order-outbox place --prefix P --orders N [--amount A] [--interval-ms MS] [--database CONNINFO]
//       orders P-1 .. P-N: each an orders row and OrderPlaced, OrderPaid in order-<id>
//   order-outbox relay (--file PATH | --webhook URL) [--name NAME] [--max-attempts N] [--database CONNINFO]
//       delivers the order category until SIGINT/SIGTERM (exit 0), then prints what it did
//   order-outbox verify --file PATH [--database CONNINFO]
//       exit 0 when the file holds every message, first deliveries in the
//       order written, and every duplicate flagged as a possible redelivery
#include "command_line/arguments.hpp"
#include "orders/orders.hpp"

#include <evt/relay/file_sink.hpp>
#include <evt/relay/relay.hpp>
#include <evt/relay/webhook_sink.hpp>
#include <evt/store/session.hpp>

#include <atomic>
#include <chrono>
#include <iostream>
#include <memory>
#include <thread>

namespace {

using account_component::command_line::arguments;

constexpr const char* usage =
    "usage: order-outbox install [--database CONNINFO]\n"
    "       order-outbox place --prefix P --orders N [--amount A] [--interval-ms MS] [--database CONNINFO]\n"
    "       order-outbox relay (--file PATH | --webhook URL) [--name NAME] [--max-attempts N] [--database CONNINFO]\n"
    "       order-outbox verify --file PATH [--database CONNINFO]\n";

int run(const arguments& args) {
  const auto& command = args.command();
  const auto& stopping = account_component::command_line::stop_on_signals();
  evt::store::session session{{.conninfo = args.option("database").value_or("")}};
  if (command == "install") {
    order_outbox::install(session);
    return 0;
  }
  if (command == "place") {
    const auto prefix = args.option("prefix");
    const auto orders = args.number("orders", 1, 1'000'000);
    if (!prefix || !orders) throw arguments::usage_error{"place needs --prefix and --orders"};
    const std::chrono::milliseconds interval{args.number("interval-ms", 0, 60'000).value_or(0)};
    for (std::int64_t n = 1; n <= *orders; ++n) {
      order_outbox::place(session, *prefix + "-" + std::to_string(n), args.number("amount", 1, 1'000'000).value_or(n));
      std::this_thread::sleep_for(interval);
    }
    return 0;
  }
  if (command == "relay") {
    std::unique_ptr<evt::relay::sink> sink;
    if (const auto file = args.option("file")) {
      sink = std::make_unique<evt::relay::file_sink>(*file);
    } else if (const auto url = args.option("webhook")) {
      sink = std::make_unique<evt::relay::webhook_sink>(evt::relay::webhook_sink::settings{.url = *url});
    } else {
      throw arguments::usage_error{"relay needs --file or --webhook"};
    }
    evt::relay::relay relay{session, *sink,
                            {.name = args.option("name").value_or("orders"),
                             .category = order_outbox::category,
                             .poll_interval = std::chrono::milliseconds{20},
                             .max_attempts = args.number("max-attempts", 1, 1000).value_or(5),
                             .log = [](const std::string& line) { std::cerr << line << std::endl; }}};
    std::cerr << "Relaying " << order_outbox::category << " from global position " << relay.position() + 1 << std::endl;
    relay.run([&stopping] { return stopping.load(); });
    const auto& done = relay.telemetry();
    std::cout << "Delivered " << done.delivered << " (" << done.possible_redeliveries << " possible redeliveries), "
              << done.retries << " retries, " << done.dead_lettered << " dead-lettered" << std::endl;
    return 0;
  }
  if (command == "verify") {
    const auto file = args.option("file");
    if (!file) throw arguments::usage_error{"verify needs --file"};
    const auto verdict = order_outbox::verify(session, *file);
    std::cout << verdict.messages << " messages in the store, " << verdict.lines << " deliveries: every message "
              << (verdict.problems.empty() ? "delivered, in order, no gap; " : "NOT delivered as it should be; ")
              << verdict.duplicates << " duplicates, " << verdict.duplicates_flagged
              << " of them flagged as possible redeliveries" << std::endl;
    for (const auto& problem : verdict.problems) std::cout << "WRONG: " << problem << std::endl;
    return verdict.problems.empty() ? 0 : 1;
  }
  throw arguments::usage_error{"Unknown command " + command};
}

}  // namespace

int main(int argc, char** argv) {
  return account_component::command_line::run_program(
      "order-outbox", usage, argc, argv,
      {"database", "prefix", "orders", "amount", "interval-ms", "file", "webhook", "name", "max-attempts"}, run);
}
