// Projector throughput into a table, in one run on one throwaway server:
// 5,000 deposits applied one per transaction and in batches of 10, 100 and
// 1,000 (each iteration rebuilds: empties the table, then applies all).
#include <evt/message/message.hpp>
#include <evt/projector/projector.hpp>
#include <evt/store/put.hpp>
#include <evt/store/session.hpp>
#include <evt/stream_name.hpp>
#include <evt/uuid.hpp>

#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

EVT_MESSAGE(Deposited, (std::string, account_id), (std::int64_t, amount));

constexpr std::int64_t events = 5000;
const std::string category = "benchProjector" + evt::random_uuid().substr(0, 8);

// The events (in 50 accounts) and the table, made once.
void prepare(evt::store::session& session) {
  static bool prepared = false;
  if (prepared) return;
  session.transaction([](evt::store::transaction& t) {
    t.execute("CREATE TABLE IF NOT EXISTS bench_balances (id text PRIMARY KEY, balance bigint NOT NULL)");
  });
  for (std::int64_t i = 0; i < events; ++i) {
    const auto account = std::string{"a"}.append(std::to_string(i % 50));
    evt::store::put(session, evt::export_message(Deposited{.account_id = account, .amount = i}),
                    evt::stream_name(category, account));
  }
  prepared = true;
}

void Project(benchmark::State& state) {
  if (std::getenv("PGHOST") == nullptr) {
    state.SkipWithError("PGHOST is not set: run projector_benchmark.sh");
    return;
  }
  evt::store::session session;
  prepare(session);
  evt::projector projector{session, {.name = std::string{"batch"}.append(std::to_string(state.range(0))), .category = category,
                                     .batch_size = state.range(0)}};
  projector.apply<Deposited>([](evt::store::transaction& t, const Deposited& deposited) {
    t.execute("INSERT INTO bench_balances VALUES ($1, $2) ON CONFLICT (id) DO UPDATE "
              "SET balance = bench_balances.balance + EXCLUDED.balance",
              {deposited.account_id, std::to_string(deposited.amount)});
  });
  for (auto _ : state) {
    if (projector.rebuild([](evt::store::transaction& t) { t.execute("DELETE FROM bench_balances"); }) != events) {
      state.SkipWithError("not every event was applied");
    }
  }
  state.SetItemsProcessed(state.iterations() * events);
}

BENCHMARK(Project)->Arg(1)->Arg(10)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
