// account-client: issues account commands and shows accounts.
//
//   account-client [--database CONNINFO] open ACCOUNT [--customer-id ID]
//   account-client [--database CONNINFO] deposit ACCOUNT AMOUNT [--deposit-id ID]
//   account-client [--database CONNINFO] withdraw ACCOUNT AMOUNT [--withdrawal-id ID]
//   account-client [--database CONNINFO] close ACCOUNT
//   account-client [--database CONNINFO] show ACCOUNT
//
// Without --database, libpq's PG* variables say where the store is. AMOUNT
// is a positive decimal like 11.50. Exit status 0 on success, 2 on bad
// input (usage, amount, ids, account stream name), 1 for anything else.
#include "client/client.hpp"
#include "command_line/arguments.hpp"
#include "component/store.hpp"

#include <evt/error.hpp>
#include <evt/message/conversion.hpp>
#include <evt/store/session.hpp>

#include <iostream>
#include <typeinfo>

namespace {

using account_component::command_line::arguments;

constexpr const char* usage =
    "usage: account-client [--database CONNINFO] COMMAND\n"
    "  open ACCOUNT [--customer-id ID]\n"
    "  deposit ACCOUNT AMOUNT [--deposit-id ID]\n"
    "  withdraw ACCOUNT AMOUNT [--withdrawal-id ID]\n"
    "  close ACCOUNT\n"
    "  show ACCOUNT\n";

evt::money amount_of(const std::string& text) {
  try {
    return evt::money::parse(text);
  } catch (const evt::error& error) {
    throw arguments::usage_error{"AMOUNT must be a decimal number like 11.50 (given: " + text + ")"};
  }
}

// The client's own refusals (amount, ids) are plain evt::errors; the
// store's errors and anything unexpected are failures, not bad input.
bool bad_input(const std::exception& error) {
  return typeid(error) == typeid(evt::error) || typeid(error) == typeid(evt::stream_name_error);
}

// The account as one JSON object: the entity's fields and its version.
std::string account_json(const account_component::Account& account, std::int64_t version) {
  auto text = evt::data_json(account);
  text.pop_back();  // the closing brace
  return text + ",\"version\":" + std::to_string(version) + "}";
}

int run(const arguments& args) {
  const auto& words = args.positional();
  if (words.size() < 2) throw arguments::usage_error{"COMMAND and ACCOUNT are required"};
  const auto& command = words[0];
  const auto& account = words[1];
  const auto expect_words = [&](std::size_t count) {
    if (words.size() != count) throw arguments::usage_error{"Wrong number of arguments for " + command};
  };
  const auto refuse_options = [&](const std::vector<std::string>& options) {
    for (const auto& option : options) {
      if (args.option(option)) throw arguments::usage_error{"--" + option + " does not apply to " + command};
    }
  };

  evt::store::session session{{.conninfo = args.option("database").value_or("")}};
  auto write = evt::writer::build(session);
  namespace client = account_component::client;
  if (command == "open") {
    expect_words(2);
    refuse_options({"deposit-id", "withdrawal-id"});
    const auto open = client::open(write, account, args.option("customer-id"));
    std::cout << "Open written (Account ID: " << account << ", Customer ID: " << open.customer_id << ")\n";
  } else if (command == "deposit") {
    expect_words(3);
    refuse_options({"customer-id", "withdrawal-id"});
    const auto deposit = client::deposit(write, account, amount_of(words[2]), args.option("deposit-id"));
    std::cout << "Deposit written (Account ID: " << account << ", Deposit ID: " << deposit.deposit_id
              << ", Amount: " << deposit.amount.to_string() << ")\n";
  } else if (command == "withdraw") {
    expect_words(3);
    refuse_options({"customer-id", "deposit-id"});
    const auto withdraw = client::withdraw(write, account, amount_of(words[2]), args.option("withdrawal-id"));
    std::cout << "Withdraw written (Account ID: " << account << ", Withdrawal ID: " << withdraw.withdrawal_id
              << ", Amount: " << withdraw.amount.to_string() << ")\n";
  } else if (command == "close") {
    expect_words(2);
    refuse_options({"customer-id", "deposit-id", "withdrawal-id"});
    client::close(write, account);
    std::cout << "Close written (Account ID: " << account << ")\n";
  } else if (command == "show") {
    expect_words(2);
    refuse_options({"customer-id", "deposit-id", "withdrawal-id"});
    auto accounts = account_component::build_store(session);
    const auto [entity, version] = accounts.fetch(account);
    std::cout << account_json(entity, version) << "\n";
  } else {
    throw arguments::usage_error{"Unknown command " + command};
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return account_component::command_line::run_program(
      "account-client", usage, argc, argv, {"database", "customer-id", "deposit-id", "withdrawal-id"}, run,
      [](const std::exception& error) { return bad_input(error) ? 2 : 1; });
}
