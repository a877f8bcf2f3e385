// The entity store against the real store: projection, versions, and the
// cache reading only what is new.
#include <evt/entity/entity_store.hpp>
#include <evt/write/writer.hpp>

#include "support/account.hpp"
#include "support/database.hpp"
#include "support/names.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using namespace evt::test;

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

namespace {

struct Balance {
  BOOST_HANA_DEFINE_STRUCT(Balance, (evt::money, amount), (std::int64_t, deposits));
};

// Counts every application, to show where a fetch started.
evt::projection<Balance> counting_projection(int& applied) {
  evt::projection<Balance> projection;
  projection.apply<Deposited>([&applied](Balance& balance, const Deposited& deposited) {
    balance.amount += deposited.amount;
    ++balance.deposits;
    ++applied;
  });
  return projection;
}

TEST(EntityStoreSnapshots, AreRecordedEveryIntervalAndFetchesStartFromTheLatest) {
  evt::store::session session{{.conninfo = conninfo()}};
  auto write = evt::writer::build(session);
  const auto category = unique_category("account");
  const auto id = unique_id();
  for (int i = 0; i < 5; ++i) write(Deposited{.account_id = id, .amount = evt::money::parse("1.5")}, evt::stream_name(category, id));

  int applied = 0;
  auto store = evt::entity_store<Balance>::build(session, category, counting_projection(applied));
  store.with_snapshots(3);
  EXPECT_EQ(store.fetch(id).version, 4);
  EXPECT_EQ(applied, 5);

  database db;
  const auto snapshots = db.stream(category + ":snapshot-" + id);
  ASSERT_EQ(snapshots.size(), 1u) << "one snapshot, at version 4";
  EXPECT_EQ(snapshots[0].type, "Snapshot");
  EXPECT_EQ(nlohmann::json::parse(*snapshots[0].data)["version"], 4);

  write(Deposited{.account_id = id, .amount = 1}, evt::stream_name(category, id));
  int applied_again = 0;
  auto uncached = evt::entity_store<Balance>::build(session, category, counting_projection(applied_again));
  uncached.with_snapshots(3);
  const auto fetched = uncached.fetch(id);
  EXPECT_EQ(applied_again, 1) << "only the event after the snapshot";
  EXPECT_EQ(fetched.version, 5);
  EXPECT_EQ(fetched.entity.amount.to_string(), "8.5");
  EXPECT_EQ(fetched.entity.deposits, 6);

  int replayed_count = 0;
  auto replay = evt::entity_store<Balance>::build(session, category, counting_projection(replayed_count));
  const auto replayed = replay.fetch(id);
  EXPECT_EQ(replayed_count, 6);
  EXPECT_EQ(replayed.entity.amount, fetched.entity.amount);
  EXPECT_EQ(replayed.entity.deposits, fetched.entity.deposits);
}

}  // namespace
