#pragma once

// An example entity and its projection, shared by the entity store's unit
// and integration tests.
#include <evt/entity/projection.hpp>

#include <string>

namespace evt::test {

EVT_MESSAGE(Deposited, (std::string, account_id), (evt::money, amount));
EVT_MESSAGE(Withdrawn, (std::string, account_id), (evt::money, amount));

struct Account {
  std::string id;
  evt::money balance;
  int applied = 0;  // how many events were applied, to show where a fetch started
};

inline evt::projection<Account> account_projection() {
  evt::projection<Account> projection;
  projection
      .apply<Deposited>([](Account& account, const Deposited& deposited) {
        account.id = deposited.account_id;
        account.balance += deposited.amount;
        ++account.applied;
      })
      .apply<Withdrawn>([](Account& account, const Withdrawn& withdrawn) {
        account.balance -= withdrawn.amount;
        ++account.applied;
      });
  return projection;
}

}  // namespace evt::test
