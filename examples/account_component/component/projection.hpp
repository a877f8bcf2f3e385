#pragma once

#include "component/account.hpp"

#include <evt/entity/projection.hpp>

namespace account_component {

// Events onto the Account (SPEC 7.3).
evt::projection<Account> projection();

}  // namespace account_component
