#pragma once

#include "messages/commands/close.hpp"
#include "messages/commands/deposit.hpp"
#include "messages/commands/open.hpp"
#include "messages/commands/withdraw.hpp"

#include <evt/message/metadata.hpp>
#include <evt/money.hpp>
#include <evt/write/writer.hpp>

#include <optional>
#include <string>

namespace account_component::client {

// Issues commands to account:command-<account id> (SPEC 7.7): time is now,
// a missing deposit/withdrawal/customer id is a new UUID, and a given
// previous message's metadata is followed. Returns the command as written.
// An empty account id or an amount that is not positive is an evt::error;
// nothing is written.
struct options {
  const evt::metadata* previous = nullptr;
};

messages::commands::Open open(evt::writer& write, const std::string& account_id,
                              std::optional<std::string> customer_id = {}, options options = {});
messages::commands::Deposit deposit(evt::writer& write, const std::string& account_id, evt::money amount,
                                    std::optional<std::string> deposit_id = {}, options options = {});
messages::commands::Withdraw withdraw(evt::writer& write, const std::string& account_id, evt::money amount,
                                      std::optional<std::string> withdrawal_id = {}, options options = {});
messages::commands::Close close(evt::writer& write, const std::string& account_id, options options = {});

}  // namespace account_component::client
