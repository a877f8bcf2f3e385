// Encode + decode of a 6-field command (export to the stored form and import
// back), beside one round trip to the store (stream_version), in one run.
#include <evt/message/conversion.hpp>
#include <evt/store/get.hpp>
#include <evt/store/session.hpp>

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>

namespace {

EVT_MESSAGE(Withdraw, (std::string, withdrawal_id), (std::string, account_id), (evt::money, amount),
            (evt::time_point, time), (std::optional<std::string>, note), (std::int64_t, sequence));

void EncodeDecodeCommand(benchmark::State& state) {
  Withdraw command{.withdrawal_id = "6c7b2b3e-1b1f-4f4e-9d1c-3f0c2f5e9a10",
                   .account_id = "0b4d8c9e-5c2a-4b7e-8f3d-2a1e6c9b7d40",
                   .amount = evt::money::parse("11.5"),
                   .time = evt::now(),
                   .note = "rent",
                   .sequence = 42};
  command.metadata.correlation_stream_name = "accountTransaction-1";
  for (auto _ : state) {
    const auto written = evt::export_message(command);
    const evt::store::message_data row{.id = "x", .type = written.type, .stream_name = "account:command-1",
                                       .data = written.data, .metadata = written.metadata};
    benchmark::DoNotOptimize(evt::import_message<Withdraw>(row));
  }
}
BENCHMARK(EncodeDecodeCommand);

void StoreRoundTrip(benchmark::State& state) {
  if (std::getenv("PGHOST") == nullptr) {
    state.SkipWithError("PGHOST is not set: no store to measure a round trip against");
    return;
  }
  evt::store::session session;
  for (auto _ : state) benchmark::DoNotOptimize(evt::store::stream_version(session, "benchRoundTrip-1"));
}
BENCHMARK(StoreRoundTrip)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
