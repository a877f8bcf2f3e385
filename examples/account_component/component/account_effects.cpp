#include "component/account_effects.hpp"

#include "component/store.hpp"

#include <evt/store/get.hpp>
#include <evt/store/read.hpp>
#include <evt/stream_name.hpp>

#include <nlohmann/json.hpp>

namespace account_component {

account_effects account_effects::build(evt::store::session& session) {
  account_effects built;
  built.configure(session);
  return built;
}

bool account_effects::recorded(const std::string& account_id, std::string_view command, const std::string& key) const {
  if (session_ == nullptr) return false;
  const bool deposit = command == "Deposit";
  const auto* field = deposit ? "depositId" : "withdrawalId";
  bool found = false;
  evt::store::read_stream(*session_, evt::stream_name(category, account_id), [&](const evt::store::message_data& event) {
    const bool outcome = deposit ? event.type == "Deposited" : event.type == "Withdrawn" || event.type == "WithdrawalRejected";
    if (!outcome || found) return;
    const auto data = nlohmann::json::parse(event.data.value_or("null"), nullptr, false);
    found = data.is_object() && data.contains(field) && data[field] == key;
  });
  return found;
}

std::optional<evt::store::message_data> account_effects::holding(const std::string& id) const {
  if (session_ == nullptr) return std::nullopt;
  return evt::store::get_message(*session_, id);
}

}  // namespace account_component
