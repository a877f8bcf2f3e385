#include "component/validation.hpp"

#include <evt/stream_name.hpp>

namespace account_component {

const evt::money& max_amount() {
  static const evt::money amount{1'000'000'000'000};
  return amount;
}

std::optional<std::string> amount_problem(const evt::money& amount) {
  if (amount <= evt::money{0}) return "Amount must be greater than zero";
  if (amount > max_amount()) return "Amount must be at most " + max_amount().to_string();
  if (amount.scale() > max_amount_scale) {
    return "Amount must have at most " + std::to_string(max_amount_scale) + " decimal places";
  }
  return std::nullopt;
}

std::optional<std::string> account_problem(const std::string& account_id, const evt::metadata& command) {
  if (account_id.empty()) return "Account ID must not be empty";
  if (account_id.find('+') != std::string::npos) return "Account ID must not contain '+', which separates ids";
  if (command.stream_name && evt::cardinal_id(*command.stream_name) != account_id) {
    return "Account ID must be the id of the command's stream (Stream: " + *command.stream_name + ")";
  }
  return std::nullopt;
}

}  // namespace account_component
