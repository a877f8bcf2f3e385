// The account component's side of deposits_benchmark.sh: opens ACCOUNTS
// accounts, waits until the running component has opened them, then issues
// DEPOSITS deposits (round robin, distinct deposit ids) and waits until
// every Deposited event is visible. Prints "<deposits> <seconds>", from the
// first command written to the last event visible. libpq's PG* variables
// say where the store is.
//
//   account_component_deposits_bench ACCOUNTS DEPOSITS
#include "client/client.hpp"
#include "component/store.hpp"

#include <evt/store/get.hpp>
#include <evt/store/session.hpp>
#include <evt/stream_name.hpp>
#include <evt/uuid.hpp>

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

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fputs("usage: account_component_deposits_bench ACCOUNTS DEPOSITS\n", stderr);
    return 2;
  }
  const auto account_count = std::stoll(argv[1]);
  const auto deposits = std::stoll(argv[2]);
  if (account_count < 1 || deposits % account_count != 0) {
    std::fputs("DEPOSITS must be a multiple of ACCOUNTS\n", stderr);
    return 2;
  }
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
}
