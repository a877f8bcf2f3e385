#pragma once

#include <evt/store/message_data.hpp>
#include <evt/store/session.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace account_component {

// What an account's stream holds already, for the checks its entity cannot
// make: whether a deposit's or withdrawal's outcome is there by its key (a
// replayed copy has a sequence of its own, and an outcome a Ruby component
// wrote has a random id), and which message holds an id an effect was to
// have. Reads the store; the substitute (until configured) holds nothing.
class account_effects {
 public:
  static account_effects build(evt::store::session& session);
  static account_effects substitute() { return account_effects{}; }
  void configure(evt::store::session& session) { session_ = &session; }

  // `command`: "Deposit" (its outcome: Deposited with this depositId) or
  // "Withdraw" (Withdrawn or WithdrawalRejected with this withdrawalId).
  bool recorded(const std::string& account_id, std::string_view command, const std::string& key) const;
  std::optional<evt::store::message_data> holding(const std::string& id) const;

 private:
  evt::store::session* session_ = nullptr;
};

}  // namespace account_component
