// account-opening: opens an account with an initial deposit, once per
// idempotency key, in atomic phases with recovery points (evt::recovery).
//
//   account-opening open --key K --account ID --customer ID --amount X
//                   [--crash-at POINT] [--payment-failure-rate R] [--seed N] [--database CONNINFO]
//       Prints "Response: <json>" and "Replayed: yes|no". Exit 3 when the
//       payment service failed (run it again: it resumes), 1 on any other
//       error, 2 on bad usage.
//   account-opening drive [--openings N] [--payment-failure-rate R] [--seed N] [--database CONNINFO]
//       Crashes openings at every recovery point, retries them, and checks
//       every effect happened exactly once (exit 0) or says what did not (1).
//   account-opening check --key K --account ID --customer ID --amount X [--database CONNINFO]
//       Exit 0 when that opening's effects are each exactly once.
//
// Without --database, libpq's PG* variables say where the store is.
#include "command_line/arguments.hpp"
#include "crash/crash_points.hpp"
#include "driver/driver.hpp"
#include "driver/effects.hpp"
#include "opening/account_opening.hpp"
#include "payments/payment_service.hpp"

#include <evt/error.hpp>
#include <evt/store/session.hpp>

#include <charconv>
#include <iostream>

namespace {

using account_component::command_line::arguments;
using namespace account_opening;

constexpr const char* usage =
    "usage: account-opening open --key K --account ID --customer ID --amount X\n"
    "                       [--crash-at POINT] [--payment-failure-rate R] [--seed N] [--database CONNINFO]\n"
    "       account-opening drive [--openings N] [--payment-failure-rate R] [--seed N] [--database CONNINFO]\n"
    "       account-opening check --key K --account ID --customer ID --amount X [--database CONNINFO]\n";

std::string required(const arguments& args, const std::string& name) {
  auto value = args.option(name);
  if (!value || value->empty()) throw arguments::usage_error{"--" + name + " is required"};
  return *value;
}

request request_of(const arguments& args) {
  return request{.key = required(args, "key"),
                 .account_id = required(args, "account"),
                 .customer_id = required(args, "customer"),
                 .amount = evt::money::parse(required(args, "amount"))};
}

double rate_of(const arguments& args) {
  const auto text = args.option("payment-failure-rate").value_or("0");
  double rate = -1;
  const auto [end, status] = std::from_chars(text.data(), text.data() + text.size(), rate);
  if (status != std::errc{} || end != text.data() + text.size() || rate < 0 || rate > 0.9) {
    throw arguments::usage_error{"--payment-failure-rate must be a number from 0 to 0.9 (given: " + text + ")"};
  }
  return rate;
}

evt::store::settings store_settings(const arguments& args) { return {.conninfo = args.option("database").value_or("")}; }

int open(const arguments& args) {
  const auto request = request_of(args);
  const crash_at crash{args.option("crash-at").value_or("")};
  evt::store::session session{store_settings(args)};
  evt::store::session payments_session{store_settings(args)};
  payments::payment_service payments{
      payments_session,
      {.failure_rate = rate_of(args), .seed = static_cast<std::uint64_t>(args.number("seed", 0, INT64_MAX).value_or(1))}};
  account_opening::account_opening opening{session, payments, crash};
  try {
    const auto outcome = opening.run(request);
    crash.reached("finished:before_reply");
    std::cout << "Response: " << outcome.response << "\nReplayed: " << (outcome.replayed ? "yes" : "no") << std::endl;
    return 0;
  } catch (const payments::payment_error& error) {
    std::cerr << "account-opening: " << error.what() << "; run again to resume" << std::endl;
    return 3;
  }
}

int drive(const arguments& args, const char* program) {
  return account_opening::drive({.program = program,
                                 .database = args.option("database").value_or(""),
                                 .openings = args.number("openings", 1, 100'000).value_or(15),
                                 .payment_failure_rate = args.option("payment-failure-rate") ? rate_of(args) : 0.3,
                                 .seed = static_cast<std::uint64_t>(args.number("seed", 0, INT64_MAX).value_or(1))},
                                std::cout);
}

int check(const arguments& args) {
  const auto request = request_of(args);
  evt::store::session session{store_settings(args)};
  const auto problems = read_effects(session, request).problems(request);
  for (const auto& problem : problems) std::cout << "WRONG: " << problem << "\n";
  if (problems.empty()) std::cout << "Exactly once: " << request.key << "\n";
  return problems.empty() ? 0 : 1;
}

int run(const arguments& args) {
  const auto& command = args.command();
  if (command == "open") return open(args);
  if (command == "drive") return drive(args, "/proc/self/exe");
  if (command == "check") return check(args);
  throw arguments::usage_error{"Unknown command " + command};
}

}  // namespace

int main(int argc, char** argv) {
  return account_component::command_line::run_program(
      "account-opening", usage, argc, argv,
      {"key", "account", "customer", "amount", "crash-at", "payment-failure-rate", "seed", "database", "openings"}, run);
}
