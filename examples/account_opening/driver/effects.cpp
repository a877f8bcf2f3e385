#include "driver/effects.hpp"

#include "component/store.hpp"
#include "payments/payment_service.hpp"

#include <evt/recovery/atomic_phases.hpp>
#include <evt/store/get.hpp>
#include <evt/stream_name.hpp>

namespace account_opening {
namespace {

std::vector<std::string> types(evt::store::session& session, const std::string& stream) {
  std::vector<std::string> found;
  for (const auto& row : evt::store::get_stream(session, stream, {.batch_size = -1})) found.push_back(row.type);
  return found;
}

std::string joined(const std::vector<std::string>& words) {
  std::string text;
  for (const auto& word : words) text += (text.empty() ? "" : ", ") + word;
  return "[" + text + "]";
}

}  // namespace

effects read_effects(evt::store::session& session, const request& request) {
  effects found;
  found.account_events = types(session, evt::stream_name("account", request.account_id));
  const auto recovery_stream = evt::stream_name(account_opening::category, request.key);
  found.recovery_points = types(session, recovery_stream);
  found.charges = static_cast<std::int64_t>(
      types(session, payments::payment_service::charges_stream_name(request.account_id)).size());
  auto accounts = account_component::build_store(session);
  const auto account = accounts.fetch(request.account_id).entity;
  found.customer_id = account.customer_id;
  found.balance = account.balance;
  const auto progress = evt::recovery::read_progress(session, account_opening::category, request.key);
  if (progress && progress->response) found.response = *progress->response;
  return found;
}

std::vector<std::string> effects::problems(const request& request) const {
  std::vector<std::string> wrong;
  const auto where = " (Key: " + request.key + ")";
  if (account_events != std::vector<std::string>{"Opened", "Deposited"}) {
    wrong.push_back("account events " + joined(account_events) + ", not [Opened, Deposited]" + where);
  }
  if (recovery_points != std::vector<std::string>{"Started", "RecoveryPointReached", "RecoveryPointReached", "Finished"}) {
    wrong.push_back("recovery points " + joined(recovery_points) + where);
  }
  if (charges != 1) wrong.push_back(std::to_string(charges) + " charges, not 1" + where);
  if (customer_id != request.customer_id) wrong.push_back("customer " + customer_id + where);
  if ((balance <=> request.amount) != 0) {
    wrong.push_back("balance " + balance.to_string() + ", not " + request.amount.to_string() + where);
  }
  if (response.empty()) wrong.push_back("no stored response" + where);
  return wrong;
}

}  // namespace account_opening
