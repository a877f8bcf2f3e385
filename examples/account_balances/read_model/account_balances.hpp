#pragma once

#include <evt/projector/projector.hpp>
#include <evt/store/session.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace account_balances {

// The account_balances table: one row per account of the account
// component, kept by a projector (named "accountBalances") over the account
// category. Deposits and withdrawals count the events applied, so a double
// apply or a skip shows.
//
//   account_id text PRIMARY KEY, customer_id text, balance numeric,
//   deposits bigint, withdrawals bigint, closed boolean
inline constexpr const char* projector_name = "accountBalances";

// Creates the table if it is not there (needs a role that may create tables).
void install(evt::store::session& session);

evt::projector build_projector(evt::store::session& session, std::int64_t batch_size = 100,
                               std::chrono::milliseconds poll_interval = std::chrono::milliseconds{100});

// Empties the table, in the rebuild's transaction.
void reset(evt::store::transaction& transaction);

// Every row, ordered by account, as text: "<id> <customer> <balance> <deposits> <withdrawals> <closed>".
std::vector<std::string> rows(evt::store::session& session);

}  // namespace account_balances
