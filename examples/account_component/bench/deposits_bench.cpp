// The account component's side of deposits_benchmark.sh: opens ACCOUNTS
// accounts, waits until the running component has opened them, then issues
// DEPOSITS deposits (round robin, distinct deposit ids) and waits until
// every Deposited event is visible. Prints "<deposits> <seconds>", from the
// first command written to the last event visible. libpq's PG* variables
// say where the store is.
//
//   account_component_deposits_bench ACCOUNTS DEPOSITS
#include "client/client.hpp"
#include "command_line/program.hpp"
#include "component/store.hpp"

#include <evt/store/get.hpp>
#include <evt/store/session.hpp>
#include <evt/stream_name.hpp>
#include <evt/uuid.hpp>

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

// Until every account's stream has reached `version`.
void wait_for(evt::store::session& session, const std::vector<std::string>& accounts, std::int64_t version) {
  for (std::size_t next = 0; next < accounts.size();) {
    const auto reached = evt::store::stream_version(session, evt::stream_name(account_component::category, accounts[next]));
    if (reached && *reached >= version) {
      ++next;
    } else {
      std::this_thread::sleep_for(std::chrono::microseconds{200});
    }
  }
}

int run(std::int64_t account_count, std::int64_t deposits) {
  if (deposits % account_count != 0) throw CLI::ValidationError{"DEPOSITS", "must be a multiple of ACCOUNTS"};
  evt::store::session session;
  auto write = evt::writer::build(session);
  std::vector<std::string> accounts;
  for (std::int64_t a = 0; a < account_count; ++a) {
    accounts.push_back(evt::random_uuid());
    account_component::client::open(write, accounts.back());
  }
  wait_for(session, accounts, 0);

  const auto start = clock_type::now();
  for (std::int64_t d = 0; d < deposits; ++d) {
    account_component::client::deposit(write, accounts[static_cast<std::size_t>(d % account_count)], evt::money{10});
  }
  wait_for(session, accounts, deposits / account_count);
  std::printf("%lld %.6f\n", static_cast<long long>(deposits),
              std::chrono::duration<double>(clock_type::now() - start).count());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Deposits through the running account component: prints \"<deposits> <seconds>\".",
               "account_component_deposits_bench"};
  std::int64_t accounts = 0;
  std::int64_t deposits = 0;
  app.add_option("ACCOUNTS", accounts, "accounts opened, deposited into round robin")
      ->required()
      ->check(CLI::Range(1, 1'000'000));
  app.add_option("DEPOSITS", deposits, "deposits, a multiple of ACCOUNTS")
      ->required()
      ->check(CLI::Range(1, 100'000'000));
  return account_component::command_line::run_program(app, argc, argv, [&] { return run(accounts, deposits); });
}
