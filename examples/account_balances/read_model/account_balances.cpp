#include "read_model/account_balances.hpp"

#include "component/store.hpp"
#include "messages/events/closed.hpp"
#include "messages/events/deposited.hpp"
#include "messages/events/opened.hpp"
#include "messages/events/withdrawn.hpp"

namespace account_balances {

namespace events = account_component::messages::events;

void install(evt::store::session& session) {
  session.transaction([](evt::store::transaction& t) {
    t.execute(
        "CREATE TABLE IF NOT EXISTS account_balances ("
        " account_id text PRIMARY KEY, customer_id text, balance numeric NOT NULL DEFAULT 0,"
        " deposits bigint NOT NULL DEFAULT 0, withdrawals bigint NOT NULL DEFAULT 0,"
        " closed boolean NOT NULL DEFAULT false)");
  });
}

evt::projector build_projector(evt::store::session& session, std::int64_t batch_size,
                               std::chrono::milliseconds poll_interval) {
  evt::projector projector{session, {.name = projector_name, .category = account_component::category,
                                     .batch_size = batch_size, .poll_interval = poll_interval}};
  // Rows may be made by any event: a deposit can be projected before the
  // account's Opened only if it was written first, which the component never
  // does; upserts keep the projector right whatever the order.
  projector
      .apply<events::Opened>([](evt::store::transaction& t, const events::Opened& opened) {
        t.execute("INSERT INTO account_balances (account_id, customer_id) VALUES ($1, $2) "
                  "ON CONFLICT (account_id) DO UPDATE SET customer_id = EXCLUDED.customer_id",
                  {opened.account_id, opened.customer_id});
      })
      .apply<events::Deposited>([](evt::store::transaction& t, const events::Deposited& deposited) {
        t.execute("INSERT INTO account_balances (account_id, balance, deposits) VALUES ($1, $2, 1) "
                  "ON CONFLICT (account_id) DO UPDATE SET balance = account_balances.balance + EXCLUDED.balance, "
                  "deposits = account_balances.deposits + 1",
                  {deposited.account_id, deposited.amount.to_string()});
      })
      .apply<events::Withdrawn>([](evt::store::transaction& t, const events::Withdrawn& withdrawn) {
        t.execute("INSERT INTO account_balances (account_id, balance, withdrawals) VALUES ($1, -$2::numeric, 1) "
                  "ON CONFLICT (account_id) DO UPDATE SET balance = account_balances.balance - $2::numeric, "
                  "withdrawals = account_balances.withdrawals + 1",
                  {withdrawn.account_id, withdrawn.amount.to_string()});
      })
      .apply<events::Closed>([](evt::store::transaction& t, const events::Closed& closed) {
        t.execute("INSERT INTO account_balances (account_id, closed) VALUES ($1, true) "
                  "ON CONFLICT (account_id) DO UPDATE SET closed = true",
                  {closed.account_id});
      });
  return projector;
}

void reset(evt::store::transaction& transaction) { transaction.execute("DELETE FROM account_balances"); }

std::vector<std::string> rows(evt::store::session& session) {
  return session.transaction([](evt::store::transaction& t) {
    std::vector<std::string> found;
    for (const auto& row : t.query("SELECT account_id, coalesce(customer_id, '-'), balance::text, deposits::text, "
                                   "withdrawals::text, closed::text FROM account_balances ORDER BY account_id")) {
      std::string line;
      for (const auto& field : row) line += (line.empty() ? "" : " ") + field.value_or("NULL");
      found.push_back(std::move(line));
    }
    return found;
  });
}

}  // namespace account_balances
