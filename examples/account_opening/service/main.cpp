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
// Bad usage (--help says what each command takes) exits 2.
//
// Without --database, libpq's PG* variables say where the store is.
#include "command_line/program.hpp"
#include "command_line/validators.hpp"
#include "crash/crash_points.hpp"
#include "driver/driver.hpp"
#include "driver/effects.hpp"
#include "opening/account_opening.hpp"
#include "payments/payment_service.hpp"

#include <evt/error.hpp>
#include <evt/store/session.hpp>

#include <CLI/CLI.hpp>

#include <iostream>
#include <limits>

namespace {

using namespace account_opening;
namespace command_line = account_component::command_line;

// What the request options said; --amount is checked to be a decimal.
struct request_words {
  std::string key;
  std::string account;
  std::string customer;
  std::string amount;

  request parse() const {
    return request{.key = key, .account_id = account, .customer_id = customer, .amount = evt::money::parse(amount)};
  }
};

struct options {
  std::string database;
  request_words request;
  std::string crash_at;
  payments::payment_service::settings payments;
  drive_settings drive;  // its program and database: this program, --database
};

int open(const options& given) {
  const auto request = given.request.parse();
  const crash_at crash{given.crash_at};
  evt::store::session session{{.conninfo = given.database}};
  evt::store::session payments_session{{.conninfo = given.database}};
  payments::payment_service payments{payments_session, given.payments};
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

int check(const options& given) {
  const auto request = given.request.parse();
  evt::store::session session{{.conninfo = given.database}};
  const auto problems = read_effects(session, request).problems(request);
  for (const auto& problem : problems) std::cout << "WRONG: " << problem << "\n";
  if (problems.empty()) std::cout << "Exactly once: " << request.key << "\n";
  return problems.empty() ? 0 : 1;
}

void add_request(CLI::App* command, request_words& request) {
  const auto& not_blank = command_line::not_blank();
  command->add_option("--key", request.key, "the idempotency key of the opening")->required()->check(not_blank);
  command->add_option("--account", request.account, "the account's id")->required()->check(not_blank);
  command->add_option("--customer", request.customer, "the customer's id")->required()->check(not_blank);
  command->add_option("--amount", request.amount, "the initial deposit, a decimal like 100.25")
      ->required()
      ->check(command_line::decimal());
}

void add_payments(CLI::App* command, double& failure_rate, std::uint64_t& seed) {
  command->add_option("--payment-failure-rate", failure_rate, "how often the payment service fails, of each kind")
      ->check(CLI::Range(0.0, 0.9))
      ->capture_default_str();
  command->add_option("--seed", seed, "the seed of the payment service's failures")
      ->check(CLI::Range(std::int64_t{0}, std::numeric_limits<std::int64_t>::max()))
      ->capture_default_str();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Opens an account with an initial deposit, once per idempotency key, in atomic phases with recovery "
               "points.",
               "account-opening"};
  options given;
  app.add_option("--database", given.database, "libpq conninfo of the store (default: libpq's PG* variables)");

  auto* opening = app.add_subcommand(
      "open", "open the account; prints the response. Exit 3 when the payment service failed (run again: it resumes)");
  add_request(opening, given.request);
  opening->add_option("--crash-at", given.crash_at, "kill this process (SIGKILL) when it reaches this point")
      ->check(CLI::IsMember(crash_points()));
  add_payments(opening, given.payments.failure_rate, given.payments.seed);

  auto* driving = app.add_subcommand(
      "drive", "crash openings at every recovery point, retry them, and check every effect happened exactly once");
  driving->add_option("--openings", given.drive.openings, "how many openings")
      ->check(CLI::Range(1, 100'000))
      ->capture_default_str();
  add_payments(driving, given.drive.payment_failure_rate, given.drive.seed);

  auto* checking = app.add_subcommand("check", "exit 0 when that opening's effects are each exactly once, 1 otherwise");
  add_request(checking, given.request);
  app.require_subcommand(1);

  return command_line::run_program(app, argc, argv, [&] {
    if (*opening) return open(given);
    if (*driving) {
      given.drive.program = "/proc/self/exe";
      given.drive.database = given.database;
      return drive(given.drive, std::cout);
    }
    return check(given);
  });
}
