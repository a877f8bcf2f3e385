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
#include "command_line/program.hpp"
#include "command_line/validators.hpp"
#include "component/store.hpp"

#include <evt/error.hpp>
#include <evt/message/conversion.hpp>
#include <evt/store/session.hpp>

#include <CLI/CLI.hpp>

#include <iostream>
#include <optional>
#include <typeinfo>

namespace {

// What the command line said; one command is given, so its words share these.
struct words {
  std::string database;
  std::string account;
  std::string amount;
  std::optional<std::string> id;  // --customer-id, --deposit-id or --withdrawal-id
};

CLI::App* add_command(CLI::App& app, const std::string& name, const std::string& description, words& given) {
  auto* command = app.add_subcommand(name, description);
  command->add_option("ACCOUNT", given.account, "the account's id (its stream: account-ACCOUNT)")->required();
  return command;
}

void add_amount(CLI::App* command, words& given) {
  command->add_option("AMOUNT", given.amount, "a positive decimal number like 11.50")
      ->required()
      ->check(account_component::command_line::decimal());
}

void add_id(CLI::App* command, const std::string& name, const std::string& description, words& given) {
  command->add_option_function<std::string>(name, [&given](const std::string& id) { given.id = id; }, description);
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

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Issues account commands to the account component and shows accounts.", "account-client"};
  words given;
  app.add_option("--database", given.database, "libpq conninfo of the store (default: libpq's PG* variables)");
  auto* open = add_command(app, "open", "open an account", given);
  add_id(open, "--customer-id", "the customer's id (default: a new UUID)", given);
  auto* deposit = add_command(app, "deposit", "deposit AMOUNT into the account", given);
  add_amount(deposit, given);
  add_id(deposit, "--deposit-id", "the deposit's id, which makes it idempotent (default: a new UUID)", given);
  auto* withdraw = add_command(app, "withdraw", "withdraw AMOUNT from the account", given);
  add_amount(withdraw, given);
  add_id(withdraw, "--withdrawal-id", "the withdrawal's id, which makes it idempotent (default: a new UUID)", given);
  auto* close = add_command(app, "close", "close the account", given);
  auto* show = add_command(app, "show", "print the account as JSON, with its version", given);
  app.require_subcommand(1);

  const auto run = [&] {
    evt::store::session session{{.conninfo = given.database}};
    auto write = evt::writer::build(session);
    namespace client = account_component::client;
    const auto& account = given.account;
    if (*open) {
      const auto written = client::open(write, account, given.id);
      std::cout << "Open written (Account ID: " << account << ", Customer ID: " << written.customer_id << ")\n";
    } else if (*deposit) {
      const auto written = client::deposit(write, account, evt::money::parse(given.amount), given.id);
      std::cout << "Deposit written (Account ID: " << account << ", Deposit ID: " << written.deposit_id
                << ", Amount: " << written.amount.to_string() << ")\n";
    } else if (*withdraw) {
      const auto written = client::withdraw(write, account, evt::money::parse(given.amount), given.id);
      std::cout << "Withdraw written (Account ID: " << account << ", Withdrawal ID: " << written.withdrawal_id
                << ", Amount: " << written.amount.to_string() << ")\n";
    } else if (*close) {
      client::close(write, account);
      std::cout << "Close written (Account ID: " << account << ")\n";
    } else if (*show) {
      auto accounts = account_component::build_store(session);
      const auto [entity, version] = accounts.fetch(account);
      std::cout << account_json(entity, version) << "\n";
    }
    return 0;
  };
  return account_component::command_line::run_program(
      app, argc, argv, run, [](const std::exception& error) { return bad_input(error) ? 2 : 1; });
}
