#pragma once

#include "component/account.hpp"

#include <evt/entity/entity_store.hpp>
#include <evt/store/session.hpp>

namespace account_component {

// Accounts from their streams, account-<id> (SPEC 7.4).
inline constexpr const char* category = "account";
inline constexpr const char* command_category = "account:command";

using store = evt::entity_store<Account>;

store build_store(evt::store::session& session);
// The substitute, for handler tests: add() what fetch should answer.
store substitute_store();

}  // namespace account_component
