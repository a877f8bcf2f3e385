#include "component/projection.hpp"

#include "messages/events/closed.hpp"
#include "messages/events/deposited.hpp"
#include "messages/events/opened.hpp"
#include "messages/events/withdrawal_rejected.hpp"
#include "messages/events/withdrawn.hpp"

namespace account_component {

using namespace messages::events;

evt::projection<Account> projection() {
  evt::projection<Account> projection;
  projection
      .apply<Opened>([](Account& account, const Opened& opened) {
        account.id = opened.account_id;
        account.customer_id = opened.customer_id;
        account.opened_time = opened.time;
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
      .apply<Closed>([](Account& account, const Closed& closed) { account.closed_time = closed.time; });
  return projection;
}

}  // namespace account_component
