#include "component/projection.hpp"

#include "messages/events/closed.hpp"
#include "messages/events/deposited.hpp"
#include "messages/events/opened.hpp"
#include "messages/events/withdrawal_rejected.hpp"
#include "messages/events/withdrawn.hpp"

#include "component/store.hpp"

#include <evt/reservation/reservation.hpp>
#include <evt/stream_name.hpp>

#include <algorithm>

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

// The account's sequence, the highest command it took, is taken only from an
// event its command's reserved copy caused: its causation is the
// reservation stream of its account and key, at the global position it
// carries as its sequence. An event another service wrote into the
// account, whatever sequence it says, changes the balance and not the
// sequence, or it would make the handler take later commands for processed.
template <class Event>
void take_sequence(Account& account, const Event& event, const std::string& key) {
  const auto& caused_by = event.metadata;
  if (caused_by.causation_message_global_position != event.sequence) return;
  const auto reservation = evt::reservation::stream_name(evt::stream_name(command_category, event.account_id), key);
  if (caused_by.causation_message_stream_name != reservation) return;
  account.sequence = std::max(account.sequence.value_or(event.sequence), event.sequence);
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
        take_sequence(account, deposited, deposited.deposit_id);
      })
      .apply<Withdrawn>([](Account& account, const Withdrawn& withdrawn) {
        account.id = withdrawn.account_id;
        account.withdraw(withdrawn.amount);
        take_sequence(account, withdrawn, withdrawn.withdrawal_id);
      })
      .apply<WithdrawalRejected>([](Account& account, const WithdrawalRejected& rejected) {
        take_sequence(account, rejected, rejected.withdrawal_id);
      })
      .apply<Closed>([](Account& account, const Closed& closed) { account.closed_time = effective_time(closed); });
  return projection;
}

}  // namespace account_component
