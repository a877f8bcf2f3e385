#pragma once

#include "opening/account_opening.hpp"

#include <evt/store/session.hpp>

#include <string>
#include <vector>

namespace account_opening {

// What one opening left in the store, and whether it is exactly once: one
// Opened and one Deposited in the account's stream, one charge, the
// recovery points each once in order, and the account component's view of
// the account (customer, balance) as requested.
struct effects {
  std::vector<std::string> account_events;   // types in account-<id>
  std::vector<std::string> recovery_points;  // types in accountOpening-<key>
  std::int64_t charges = 0;                  // Charged in paymentCharges-<account id>
  std::string customer_id;                   // as the account component projects the account
  evt::money balance;
  std::string response;                      // the stored response, if finished

  // Empty when every effect happened exactly once; otherwise what is wrong.
  std::vector<std::string> problems(const request& request) const;
};

effects read_effects(evt::store::session& session, const request& request);

}  // namespace account_opening
