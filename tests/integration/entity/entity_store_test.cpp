// The entity store against the real store: projection, versions, and the
// cache reading only what is new.
#include <evt/entity/entity_store.hpp>
#include <evt/error.hpp>
#include <evt/store/put.hpp>
#include <evt/write/writer.hpp>

#include "support/account.hpp"
#include "support/database.hpp"
#include "support/names.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

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

// All or nothing: a fetch returns the entity at the version of every event
// applied, or throws, and the cache changes only with a whole result.

// A snapshot of the entity before it had its deposits field.
struct BalanceBefore {
  BOOST_HANA_DEFINE_STRUCT(BalanceBefore, (evt::money, amount));
};

TEST(EntityStoreFailures, ASnapshotThatCannotBeDecodedIsLoggedAndIgnoredAndTheEntityReadFromItsEvents) {
  evt::store::session session{{.conninfo = conninfo()}};
  auto write = evt::writer::build(session);
  const auto category = unique_category("account");
  const auto id = unique_id();
  for (int i = 0; i < 4; ++i) write(Deposited{.account_id = id, .amount = 2}, evt::stream_name(category, id));
  // At version 3, but in the shape of another entity type, and once not even base64.
  for (const auto& entity : {evt::base64_encode(evt::to_msgpack(BalanceBefore{.amount = 999})),
                             std::string{"%%% not base64 %%%"}}) {
    evt::store::put(session, {.type = "Snapshot", .data = nlohmann::json{{"version", 3}, {"entity", entity}}.dump()},
                    category + ":snapshot-" + id);
    int applied = 0;
    std::vector<std::string> lines;
    auto store = evt::entity_store<Balance>::build(session, category, counting_projection(applied));
    store.with_snapshots(100);
    store.set_log([&](const std::string& line) { lines.push_back(line); });
    const auto fetched = store.fetch(id);
    EXPECT_EQ(fetched.version, 3);
    EXPECT_EQ(fetched.entity.amount, evt::money{8}) << "from the events, not the snapshot's 999";
    EXPECT_EQ(applied, 4);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0].rfind("Snapshot ignored: it cannot be decoded; the entity is read from its events (Stream: " +
                                 category + ":snapshot-" + id + ", Position: ",
                             0),
              0u)
        << lines[0];
    EXPECT_EQ(store.fetch(id).entity.amount, evt::money{8}) << "and the cache holds that";
  }
}

TEST(EntityStoreFailures, AnEventThatCannotBeDecodedFailsTheFetchAndLeavesTheCacheAsItWas) {
  evt::store::session session{{.conninfo = conninfo()}};
  auto write = evt::writer::build(session);
  const auto category = unique_category("account");
  const auto id = unique_id();
  const auto stream = evt::stream_name(category, id);
  write(Deposited{.account_id = id, .amount = 5}, stream);
  int applied = 0;
  auto store = evt::entity_store<Balance>::build(session, category, counting_projection(applied));
  ASSERT_EQ(store.fetch(id).version, 0);

  write(Deposited{.account_id = id, .amount = 1}, stream);
  evt::store::put(session, {.type = "Deposited", .data = R"({"accountId": "x", "amount": "lots"})"}, stream);
  for (int attempt = 0; attempt < 2; ++attempt) {
    try {
      store.fetch(id);
      FAIL() << "fetched past an event that cannot be decoded";
    } catch (const evt::decode_error& error) {
      EXPECT_EQ(error.stream_name(), stream);
      EXPECT_EQ(error.position(), 2);
      EXPECT_EQ(error.field(), "amount");
    }
  }
  EXPECT_EQ(applied, 1 + 2) << "the good event after the cache was applied to a copy, each time";
  // What the cache holds is still version 0: a store that could read on
  // sees version 1 applied once, never a half-applied entity.
  int applied_elsewhere = 0;
  auto fresh = evt::entity_store<Balance>::build(session, category, counting_projection(applied_elsewhere));
  EXPECT_THROW(fresh.fetch(id), evt::decode_error);
}

TEST(EntityStoreFailures, AProjectionThatThrowsPartWayLeavesNoHalfAppliedEntityInTheCache) {
  evt::store::session session{{.conninfo = conninfo()}};
  auto write = evt::writer::build(session);
  const auto category = unique_category("account");
  const auto id = unique_id();
  const auto stream = evt::stream_name(category, id);
  write(Deposited{.account_id = id, .amount = 10}, stream);

  bool fail = false;
  evt::projection<Balance> projection;
  projection.apply<Deposited>([&fail](Balance& balance, const Deposited& deposited) {
    balance.amount += deposited.amount;  // changed, then the throw
    if (fail) throw std::runtime_error{"projection failed part-way"};
    ++balance.deposits;
  });
  auto store = evt::entity_store<Balance>::build(session, category, projection);
  ASSERT_EQ(store.fetch(id).entity.amount, evt::money{10});

  write(Deposited{.account_id = id, .amount = 1}, stream);
  fail = true;
  EXPECT_THROW(store.fetch(id), std::runtime_error);
  fail = false;
  const auto fetched = store.fetch(id);
  EXPECT_EQ(fetched.version, 1);
  EXPECT_EQ(fetched.entity.amount, evt::money{11}) << "the event applied once, not 12";
  EXPECT_EQ(fetched.entity.deposits, 2);
}

// More entities than the cache holds: the least recently fetched are read
// again from their streams, and every fetch is still exact.
TEST(EntityStore, MoreEntitiesThanTheCacheHoldsAreEachStillRight) {
  evt::store::session session{{.conninfo = conninfo()}};
  auto write = evt::writer::build(session);
  const auto category = unique_category("account");
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(unique_id());
  auto store = evt::entity_store<Account>::build(session, category, account_projection());
  store.with_cache_size(2);
  for (int round = 1; round <= 3; ++round) {
    for (const auto& id : ids) write(Deposited{.account_id = id, .amount = 10}, evt::stream_name(category, id));
    for (const auto& id : ids) {
      const auto fetched = store.fetch(id);
      EXPECT_EQ(fetched.version, round - 1) << "round " << round;
      EXPECT_EQ(fetched.entity.balance, evt::money{10 * round}) << "round " << round;
      EXPECT_EQ(fetched.entity.applied, round) << "each event applied once, also when read again";
    }
    EXPECT_EQ(store.cached_entities(), 2u);
  }
}

}  // namespace

namespace {

// The caller's own write, written through: the next fetch reads nothing,
// so an event another writer appended meanwhile is not seen until the
// entity is forgotten; a write at a version the cache is not at forgets it.
TEST(EntityStoreWrittenThrough, AnswersFromTheCacheWithoutAReadUntilForgotten) {
  evt::store::session session{{.conninfo = conninfo()}};
  auto write = evt::writer::build(session);
  const auto category = unique_category("account");
  const auto id = unique_id();
  const auto stream = evt::stream_name(category, id);
  auto store = evt::entity_store<Account>::build(session, category, account_projection());
  write(Deposited{.account_id = id, .amount = 10}, stream);
  const auto before = store.fetch(id);
  EXPECT_EQ(before.version, 0);

  const Deposited ours{.account_id = id, .amount = 5};
  store.written(id, ours, write(ours, stream, before.version));
  write(Withdrawn{.account_id = id, .amount = 3}, stream);  // another writer's, not read
  auto cached = store.fetch(id);
  EXPECT_EQ(cached.version, 1);
  EXPECT_EQ(cached.entity.balance, evt::money{15});
  EXPECT_EQ(cached.entity.applied, 2) << "its own event applied once, without a read";

  store.forget(id);
  const auto read = store.fetch(id);
  EXPECT_EQ(read.version, 2);
  EXPECT_EQ(read.entity.balance, evt::money{12});
  EXPECT_EQ(read.entity.applied, 3);

  // Written at a version the cache is not at: forgotten, and read next time.
  const Deposited late{.account_id = id, .amount = 1};
  write(late, stream);
  store.written(id, late, 4);
  EXPECT_EQ(store.cached_entities(), 0u);
  EXPECT_EQ(store.fetch(id).entity.applied, 4);
}

}  // namespace
