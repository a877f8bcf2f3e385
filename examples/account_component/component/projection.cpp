#include "component/projection.hpp"

#include "messages/events/closed.hpp"
#include "messages/events/deposited.hpp"
#include "messages/events/opened.hpp"
#include "messages/events/withdrawal_rejected.hpp"
#include "messages/events/withdrawn.hpp"

namespace account_component {

using namespace messages::events;

namespace {

// When an Opened or Closed took effect: its command's time, else when it
// was processed, else when it was recorded. Ruby allows each time to be nil
// (and its own projection then fails for good); an account opened at no
// known time is open all the same.
template <class Event>
evt::timestamp effective_time(const Event& event) {
  if (event.time) return *event.time;
  if (event.processed_time) return *event.processed_time;
  return std::chrono::floor<std::chrono::milliseconds>(event.metadata.time.value_or(evt::store::time_point{}));
}

}  // namespace

evt::projection<Account> projection() {
  evt::projection<Account> projection;
  projection
      .apply<Opened>([](Account& account, const Opened& opened) {
        account.id = opened.account_id;
        account.customer_id = opened.customer_id;
        account.opened_time = effective_time(opened);
      })
      .apply<Deposited>([](Account& account, const Deposited& deposited) {
        account.id = deposited.account_id;
        account.deposit(deposited.amount);
        account.sequence = deposited.sequence;
      })
      .apply<Withdrawn>([](Account& account, const Withdrawn& withdrawn) {
        account.id = withdrawn.account_id;
        account.withdraw(withdrawn.amount);
        account.sequence = withdrawn.sequence;
      })
      .apply<WithdrawalRejected>(
          [](Account& account, const WithdrawalRejected& rejected) { account.sequence = rejected.sequence; })
      .apply<Closed>([](Account& account, const Closed& closed) { account.closed_time = effective_time(closed); });
  return projection;
}

}  // namespace account_component
