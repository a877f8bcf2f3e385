#include "client/client.hpp"

#include "component/store.hpp"
#include "component/validation.hpp"

#include <evt/clock.hpp>
#include <evt/error.hpp>
#include <evt/reservation/reservation.hpp>
#include <evt/stream_name.hpp>
#include <evt/uuid.hpp>

namespace account_component::client {

using namespace messages::commands;

namespace {

// The component's own rules (validation.hpp), so that what it would park is
// never written.
void check_account(const std::string& account_id, std::string_view command) {
  if (const auto problem = account_problem(account_id, {})) {
    throw evt::error{*problem + " (Command: " + std::string{command} + ")"};
  }
}

void check_amount(const evt::money& amount, std::string_view command) {
  if (const auto problem = amount_problem(amount)) {
    throw evt::error{*problem + " (Command: " + std::string{command} + ", Amount: " + amount.to_string() + ")"};
  }
}

std::string id_or_new(std::optional<std::string> id, std::string_view what) {
  if (!id) return evt::random_uuid();
  if (id->empty()) throw evt::error{std::string{what} + " must not be empty"};
  return std::move(*id);
}

// Deposit and withdrawal ids are idempotence keys: refused here as the
// component would refuse them.
std::string key_or_new(std::optional<std::string> id, std::string_view what) {
  if (!id) return evt::random_uuid();
  if (const auto problem = evt::reservation::key_problem(*id)) {
    throw evt::error{std::string{what} + ": " + *problem};
  }
  return std::move(*id);
}

template <class Command>
Command issue(evt::writer& write, Command command, const std::string& account_id, options options) {
  if (options.previous != nullptr) command.metadata.follow(*options.previous);
  command.time = evt::now();
  write(command, evt::stream_name(command_category, account_id));
  return command;
}

}  // namespace

Open open(evt::writer& write, const std::string& account_id, std::optional<std::string> customer_id, options options) {
  check_account(account_id, "Open");
  return issue(write, Open{.account_id = account_id, .customer_id = id_or_new(std::move(customer_id), "Customer ID")},
               account_id, options);
}

Deposit deposit(evt::writer& write, const std::string& account_id, evt::money amount, std::optional<std::string> deposit_id,
                options options) {
  check_account(account_id, "Deposit");
  check_amount(amount, "Deposit");
  return issue(write,
               Deposit{.deposit_id = key_or_new(std::move(deposit_id), "Deposit ID"), .account_id = account_id, .amount = amount},
               account_id, options);
}

Withdraw withdraw(evt::writer& write, const std::string& account_id, evt::money amount,
                  std::optional<std::string> withdrawal_id, options options) {
  check_account(account_id, "Withdraw");
  check_amount(amount, "Withdraw");
  return issue(write,
               Withdraw{.withdrawal_id = key_or_new(std::move(withdrawal_id), "Withdrawal ID"),
                        .account_id = account_id,
                        .amount = amount},
               account_id, options);
}

Close close(evt::writer& write, const std::string& account_id, options options) {
  check_account(account_id, "Close");
  return issue(write, Close{.account_id = account_id}, account_id, options);
}

}  // namespace account_component::client
