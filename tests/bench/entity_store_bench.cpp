// Entity store fetches, in one run on one throwaway server: a 100-event
// stream uncached (a new store each time: every event read and applied) and
// cached (only the check for newer events); a 10,000-event stream uncached
// without and with a snapshot (the snapshot and no event after it).
#include <evt/entity/entity_store.hpp>
#include <evt/message/message.hpp>
#include <evt/money.hpp>
#include <evt/store/put.hpp>
#include <evt/store/session.hpp>
#include <evt/uuid.hpp>

#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

EVT_MESSAGE(Deposited, (std::string, account_id), (evt::money, amount));

struct Balance {
  BOOST_HANA_DEFINE_STRUCT(Balance, (evt::money, amount), (std::int64_t, deposits));
};

const std::string category = "benchEntity" + evt::random_uuid().substr(0, 8);

evt::projection<Balance> balance_projection() {
  evt::projection<Balance> projection;
  projection.apply<Deposited>([](Balance& balance, const Deposited& deposited) {
    balance.amount += deposited.amount;
    ++balance.deposits;
  });
  return projection;
}

// The id of a stream of `events` Deposited events, written once.
std::string account_with(evt::store::session& session, std::int64_t events) {
  const auto id = std::to_string(events);
  if (evt::store::stream_version(session, evt::stream_name(category, id))) return id;
  const auto deposited = evt::export_message(Deposited{.account_id = id, .amount = evt::money::parse("1.25")});
  const std::vector<evt::store::new_message> batch(1000 < events ? 1000 : static_cast<std::size_t>(events),
                                                   {.type = deposited.type, .data = deposited.data});
  for (std::int64_t written = 0; written < events; written += static_cast<std::int64_t>(batch.size())) {
    evt::store::put(session, batch, evt::stream_name(category, id));
  }
  return id;
}

bool have_store(benchmark::State& state) {
  if (std::getenv("PGHOST") != nullptr) return true;
  state.SkipWithError("PGHOST is not set: run entity_store_benchmark.sh");
  return false;
}

void check(benchmark::State& state, const evt::versioned<Balance>& fetched, std::int64_t events) {
  if (fetched.entity.deposits != events || fetched.version != events - 1) state.SkipWithError("wrong entity");
}

void FetchUncached(benchmark::State& state) {
  if (!have_store(state)) return;
  evt::store::session session;
  const auto events = state.range(0);
  const auto id = account_with(session, events);
  for (auto _ : state) {
    auto store = evt::entity_store<Balance>::build(session, category, balance_projection());
    check(state, store.fetch(id), events);
  }
}
BENCHMARK(FetchUncached)->Arg(100)->Arg(10000)->Unit(benchmark::kMicrosecond);

void FetchCached(benchmark::State& state) {
  if (!have_store(state)) return;
  evt::store::session session;
  const auto events = state.range(0);
  const auto id = account_with(session, events);
  auto store = evt::entity_store<Balance>::build(session, category, balance_projection());
  store.fetch(id);
  for (auto _ : state) check(state, store.fetch(id), events);
}
BENCHMARK(FetchCached)->Arg(100)->Unit(benchmark::kMicrosecond);

void FetchUncachedFromSnapshot(benchmark::State& state) {
  if (!have_store(state)) return;
  evt::store::session session;
  const auto events = state.range(0);
  const auto id = account_with(session, events);
  // The first fetch replays everything and records the snapshot.
  evt::entity_store<Balance>::build(session, category, balance_projection()).with_snapshots(events).fetch(id);
  for (auto _ : state) {
    auto store = evt::entity_store<Balance>::build(session, category, balance_projection());
    store.with_snapshots(events);
    check(state, store.fetch(id), events);
  }
}
BENCHMARK(FetchUncachedFromSnapshot)->Arg(10000)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
