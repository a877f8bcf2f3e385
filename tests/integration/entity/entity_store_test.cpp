// The entity store against the real store: projection, versions, and the
// cache reading only what is new.
#include <evt/entity/entity_store.hpp>
#include <evt/write/writer.hpp>

#include "support/database.hpp"
#include "support/names.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using namespace evt::test;

EVT_MESSAGE(Deposited, (std::string, account_id), (evt::money, amount));
EVT_MESSAGE(Withdrawn, (std::string, account_id), (evt::money, amount));

struct Account {
  evt::money balance;
  int applied = 0;
};

evt::projection<Account> account_projection() {
  evt::projection<Account> projection;
  projection
      .apply<Deposited>([](Account& account, const Deposited& deposited) {
        account.balance += deposited.amount;
        ++account.applied;
      })
      .apply<Withdrawn>([](Account& account, const Withdrawn& withdrawn) {
        account.balance -= withdrawn.amount;
        ++account.applied;
      });
  return projection;
}

TEST(EntityStore, ProjectsTheStreamAndReportsItsVersion) {
  evt::store::session session{{.conninfo = conninfo()}};
  auto write = evt::writer::build(session);
  const auto category = unique_category("account");
  const auto id = unique_id();
  write(Deposited{.account_id = id, .amount = 100}, evt::stream_name(category, id));
  write(Withdrawn{.account_id = id, .amount = evt::money::parse("0.5")}, evt::stream_name(category, id));

  auto store = evt::entity_store<Account>::build(session, category, account_projection());
  const auto fetched = store.fetch(id);
  EXPECT_EQ(fetched.version, 1);
  EXPECT_EQ(fetched.entity.balance.to_string(), "99.5");
}

TEST(EntityStore, ANewEntityHasVersionNoStream) {
  evt::store::session session{{.conninfo = conninfo()}};
  auto store = evt::entity_store<Account>::build(session, unique_category("account"), account_projection());
  const auto fetched = store.fetch(unique_id());
  EXPECT_EQ(fetched.version, evt::no_stream);
  EXPECT_EQ(fetched.entity.applied, 0);
}

TEST(EntityStore, TheCacheReadsOnlyNewerEventsAndAgreesWithAFullReplay) {
  evt::store::session session{{.conninfo = conninfo()}};
  auto write = evt::writer::build(session);
  const auto category = unique_category("account");
  const auto id = unique_id();
  const auto stream = evt::stream_name(category, id);
  auto store = evt::entity_store<Account>::build(session, category, account_projection());

  write(Deposited{.account_id = id, .amount = 10}, stream);
  EXPECT_EQ(store.fetch(id).entity.applied, 1);
  write(Deposited{.account_id = id, .amount = 5}, stream);
  write(Withdrawn{.account_id = id, .amount = 3}, stream);

  auto cached = store.fetch(id);
  EXPECT_EQ(cached.version, 2);
  EXPECT_EQ(cached.entity.applied, 3) << "each event applied exactly once";
  cached.entity.balance = 1000;  // a copy: the cache is not changed

  auto replay = evt::entity_store<Account>::build(session, category, account_projection());
  const auto replayed = replay.fetch(id);
  EXPECT_EQ(store.fetch(id).entity.balance, replayed.entity.balance);
  EXPECT_EQ(replayed.entity.balance, evt::money{12});
  EXPECT_EQ(replayed.version, 2);
}

}  // namespace
