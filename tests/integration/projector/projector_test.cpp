// The projector: a category's events applied to the application's own
// table, each batch in one transaction with the projector's position.
#include <evt/dead_letter/dead_letter.hpp>
#include <evt/error.hpp>
#include <evt/projector/projector.hpp>
#include <evt/store/put.hpp>
#include <evt/store/session.hpp>
#include <evt/stream_name.hpp>

#include "support/application_table.hpp"
#include "support/database.hpp"
#include "support/names.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace evt::test;
using namespace std::chrono_literals;

EVT_MESSAGE(Deposited, (std::string, account_id), (std::int64_t, amount));

// Deposits to five accounts in a category of the test's own, and the
// balances they make.
struct deposits {
  application_table balances;
  std::string category = unique_category("account");
  std::map<std::string, int> expected;
  evt::store::session session{{.conninfo = conninfo()}};

  void write(int count, int first = 0) {
    for (int i = first; i < first + count; ++i) {
      const auto account = std::string{"a"}.append(std::to_string(i % 5));
      evt::store::put(session, evt::export_message(Deposited{.account_id = account, .amount = i}),
                      evt::stream_name(category, account));
      expected[account] += i;
    }
  }

  // The projector's appliers: a row per account, the balance summed.
  void project(evt::projector& projector, const std::function<void(const Deposited&)>& before = {}) {
    projector.apply<Deposited>([this, before](evt::store::transaction& t, const Deposited& deposited) {
      if (before) before(deposited);
      t.execute("INSERT INTO public." + balances.name + " VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET balance = " +
                    balances.name + ".balance + EXCLUDED.balance",
                {deposited.account_id, std::to_string(deposited.amount)});
    });
  }

  std::map<std::string, int> table() {
    std::map<std::string, int> found;
    for (const auto& row : balances.owner.sql("SELECT id, balance FROM public." + balances.name)) {
      found[row[0].as<std::string>()] = row[1].as<int>();
    }
    return found;
  }
  evt::projector projector(std::int64_t batch_size = 100, bool park_poison_events = true) {
    return evt::projector{session, {.name = "balances",
                                    .category = category,
                                    .batch_size = batch_size,
                                    .park_poison_events = park_poison_events,
                                    .log = [this](const std::string& line) { logged.push_back(line); }}};
  }
  std::vector<std::string> logged;
};

TEST(Projector, AppliesEachEventOnceABatchPerTransactionWithItsPosition) {
  deposits d;
  d.write(250);
  auto projector = d.projector();
  d.project(projector);
  EXPECT_EQ(projector.position(), 0);
  EXPECT_EQ(projector.catch_up(), 250);
  EXPECT_EQ(d.table(), d.expected);
  EXPECT_EQ(projector.telemetry().transactions, 3);
  EXPECT_EQ(projector.telemetry().applied, 250);
  const auto events = database{}.category(d.category);
  EXPECT_EQ(projector.position(), events.back().global_position);
  EXPECT_EQ(projector.position_stream_name(), d.category + ":position-balances");
  EXPECT_EQ(database{}.stream(projector.position_stream_name()).size(), 3u);

  // Caught up: running again (a replay, a restart) applies nothing twice.
  EXPECT_EQ(projector.catch_up(), 0);
  auto restarted = d.projector();
  d.project(restarted);
  EXPECT_EQ(restarted.catch_up(), 0);
  d.write(7, 250);
  EXPECT_EQ(restarted.catch_up(), 7);
  EXPECT_EQ(d.table(), d.expected);
}

TEST(Projector, AFailureBeforeCommitRollsBackTheBatchWithItsPositionAndTheNextRunAppliesItOnce) {
  deposits d;
  d.write(250);
  auto projector = d.projector();
  bool fail = true;
  d.project(projector, [&](const Deposited& deposited) {
    if (fail && deposited.amount == 150) throw std::runtime_error{"crash between apply and commit"};
  });
  EXPECT_THROW(projector.catch_up(), std::runtime_error);
  const auto events = database{}.category(d.category);
  EXPECT_EQ(projector.position(), events[99].global_position);  // the first batch only
  int applied = 0;
  for (const auto& [account, balance] : d.table()) applied += balance;
  EXPECT_EQ(applied, 99 * 100 / 2);  // amounts 0..99
  EXPECT_EQ(projector.telemetry().applied, 100);
  fail = false;
  EXPECT_EQ(projector.catch_up(), 150);
  EXPECT_EQ(d.table(), d.expected);
}

TEST(Projector, TwoProjectorsOfOneNameAtOnceApplyEveryEventOnce) {
  deposits d;
  d.write(400);
  std::atomic<std::int64_t> conflicts{0};
  std::barrier start{2};
  {
    std::vector<std::jthread> running;
    for (int i = 0; i < 2; ++i) {
      running.emplace_back([&] {
        evt::store::session session{{.conninfo = conninfo()}};
        evt::projector projector{session, {.name = "balances", .category = d.category, .batch_size = 20}};
        d.project(projector);
        start.arrive_and_wait();
        try {
          projector.catch_up();
        } catch (const std::exception& error) {
          ADD_FAILURE() << error.what();
        }
        conflicts += projector.telemetry().conflicts;
      });
    }
  }
  EXPECT_EQ(d.table(), d.expected);
  auto projector = d.projector();
  EXPECT_EQ(projector.position(), database{}.category(d.category).back().global_position);
  RecordProperty("conflicts", std::to_string(conflicts.load()));
}

TEST(Projector, ABatchReadBeforeAnotherProjectorOfTheNameWentAheadIsNotApplied) {
  deposits d;
  d.write(30);
  auto ahead = d.projector();
  d.project(ahead);
  // The name's lock, held by the session of the projector that will go
  // ahead (a session's own lock does not stop it).
  const auto lock = [&](const char* function) {
    d.session.transaction([&](evt::store::transaction& t) {
      t.query(std::string{"SELECT "} + function + "(hashtext('evt projector'), hashtext($1))",
              {ahead.position_stream_name()});
    });
  };
  lock("pg_advisory_lock");
  std::int64_t stale_applied = -1;
  std::int64_t stale_conflicts = -1;
  std::jthread stale_run{[&] {
    evt::store::session session{{.conninfo = conninfo()}};
    evt::projector stale{session, {.name = "balances", .category = d.category}};
    d.project(stale);
    stale_applied = stale.catch_up();  // reads the batch, then waits for the lock
    stale_conflicts = stale.telemetry().conflicts;
  }};
  database observer{conninfo_as("postgres")};
  const auto stale_waits = [&] {
    return observer
               .sql("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objsubid = 2"
                    " AND classid::bigint = (hashtext('evt projector')::bigint & 4294967295)"
                    " AND objid::bigint = (hashtext($1)::bigint & 4294967295)",
                    ahead.position_stream_name())[0][0]
               .as<int>() > 0;
  };
  for (int waited = 0; !stale_waits(); ++waited) {
    ASSERT_LT(waited, 10'000) << "the stale projector never waited for the lock";
    std::this_thread::sleep_for(1ms);
  }
  EXPECT_EQ(ahead.catch_up(), 30);
  lock("pg_advisory_unlock");
  stale_run.join();
  EXPECT_EQ(stale_applied, 0);
  EXPECT_EQ(stale_conflicts, 1);
  EXPECT_EQ(d.table(), d.expected);
}

TEST(Projector, RebuildEmptiesTheReadModelWithThePositionAndReappliesEverythingToTheSameResult) {
  deposits d;
  d.write(120);
  auto projector = d.projector(50);
  d.project(projector);
  projector.catch_up();
  const auto incremental = d.table();
  EXPECT_EQ(projector.rebuild([&](evt::store::transaction& t) { t.execute("DELETE FROM public." + d.balances.name); }),
            120);
  EXPECT_EQ(d.table(), incremental);
  EXPECT_EQ(d.table(), d.expected);
}

TEST(Projector, PassesByTypesWithoutAnApplierAndNamesAnEventItCannotReadWhenParkingIsOff) {
  deposits d;
  d.write(3);
  evt::store::put(d.session, {.type = "Withdrawn", .data = "{}"}, evt::stream_name(d.category, "a0"));
  auto projector = d.projector(100, false);
  d.project(projector);
  EXPECT_EQ(projector.catch_up(), 4);
  EXPECT_EQ(projector.telemetry().skipped, 1);
  EXPECT_EQ(d.table(), d.expected);

  evt::store::put(d.session, {.type = "Deposited", .data = R"({"accountId": "a1", "amount": "ten"})"},
                  evt::stream_name(d.category, "a1"));
  const auto before = projector.position();
  try {
    projector.catch_up();
    FAIL() << "no error";
  } catch (const evt::decode_error& error) {
    EXPECT_EQ(error.stream_name(), d.category + "-a1");
    EXPECT_EQ(error.field(), "amount");
  }
  EXPECT_EQ(projector.position(), before);
  EXPECT_EQ(d.table(), d.expected);
}

TEST(Projector, AnEventItCannotReadIsParkedTheEventsAroundItAppliedAndARebuildDoesNotParkItTwice) {
  deposits d;
  d.write(3);
  evt::store::put(d.session, {.type = "Deposited", .data = R"({"accountId": "a1", "amount": "ten"})"},
                  evt::stream_name(d.category, "a1"));
  d.write(3, 3);
  auto projector = d.projector();
  d.project(projector);
  EXPECT_EQ(projector.catch_up(), 7);
  EXPECT_EQ(d.table(), d.expected) << "every other event applied once";
  EXPECT_EQ(projector.telemetry().parked, 1);
  EXPECT_EQ(projector.telemetry().transactions, 2) << "the three before it, then the three after";
  EXPECT_EQ(projector.position(), database{}.category(d.category).back().global_position);
  auto parked = evt::dead_letter::parked(d.session, d.category);
  ASSERT_EQ(parked.size(), 1u);
  EXPECT_EQ(parked[0].original.stream_name, d.category + "-a1");
  EXPECT_EQ(parked[0].reason.error_class, "evt::decode_error");
  EXPECT_EQ(parked[0].reason.by, projector.position_stream_name());
  ASSERT_EQ(d.logged.size(), 1u);
  EXPECT_EQ(d.logged[0].rfind("Event parked (Error Class: evt::decode_error", 0), 0u) << d.logged[0];

  projector.rebuild([&](evt::store::transaction& t) { t.execute("DELETE FROM public." + d.balances.name); });
  EXPECT_EQ(d.table(), d.expected);
  EXPECT_EQ(evt::dead_letter::parked(d.session, d.category).size(), 1u) << "passed again, parked once";
}

TEST(Projector, ABatchSizeBelowOneIsRefused) {
  evt::store::session session{{.conninfo = conninfo()}};
  EXPECT_THROW(evt::projector(session, {.name = "p", .category = "c", .batch_size = 0}), evt::error);
  EXPECT_THROW(evt::projector(session, {.name = "p", .category = "not-a-category"}), evt::stream_name_error);
}

}  // namespace
