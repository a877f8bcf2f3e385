// The consumer side of tests/bench/consumer_latency.sh: how long a message
// takes from its write to its handler, in one process (one clock). Connects
// through libpq's environment and prints "<median ms> <p99 ms> <max ms>".
//
//   evt_consumer_latency_bench WAKE_ON_NOTIFY(0|1) POLL_MS COUNT
//
// Writes COUNT messages, one every 5 to 25 ms (uneven, so writes do not line
// up with the polls), to a category a running consumer reads.
#include <evt/consumer/consumer.hpp>
#include <evt/store/put.hpp>
#include <evt/store/session.hpp>
#include <evt/stream_name.hpp>
#include <evt/uuid.hpp>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  return values[static_cast<std::size_t>(p * static_cast<double>(values.size() - 1))];
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Consumer write-to-handler latency: prints \"<median ms> <p99 ms> <max ms>\".",
               "evt_consumer_latency_bench"};
  int wake = 0;
  int poll_ms = 0;
  int count = 0;
  app.add_option("WAKE_ON_NOTIFY", wake, "1: the consumer wakes on LISTEN/NOTIFY, 0: it polls only")
      ->required()
      ->check(CLI::Range(0, 1));
  app.add_option("POLL_MS", poll_ms, "the consumer's poll interval")->required()->check(CLI::PositiveNumber);
  app.add_option("COUNT", count, "how many messages to write")->required()->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);
  const std::chrono::milliseconds poll{poll_ms};
  const auto category = "benchLatency" + evt::random_uuid().substr(0, 8);

  std::mutex mutex;
  std::map<std::string, clock_type::time_point> written;  // by stream name
  std::vector<double> latencies;
  evt::store::session reading;
  evt::consumer consumer{reading, {.category = category, .poll_interval = poll, .wake_on_notify = wake == 1}};
  consumer.add_handler([&](const evt::store::message_data& message) {
    const auto now = clock_type::now();
    std::lock_guard lock{mutex};
    latencies.push_back(std::chrono::duration<double, std::milli>(now - written.at(message.stream_name)).count());
  });
  std::thread running{[&] { consumer.run(); }};
  std::this_thread::sleep_for(std::chrono::milliseconds{300});

  evt::store::session writing;
  std::mt19937 random{42};
  std::uniform_int_distribution<int> pause{5, 25};
  for (int i = 0; i < count; ++i) {
    const auto stream = evt::stream_name(category, std::to_string(i));
    {
      std::lock_guard lock{mutex};
      written[stream] = clock_type::now();
    }
    evt::store::put(writing, {.type = "SomeType", .data = "{}"}, stream);
    std::this_thread::sleep_for(std::chrono::milliseconds{pause(random)});
  }
  for (int i = 0; i < 1000; ++i) {
    {
      std::lock_guard lock{mutex};
      if (latencies.size() == static_cast<std::size_t>(count)) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  }
  consumer.stop();
  running.join();
  if (latencies.size() != static_cast<std::size_t>(count)) {
    std::fprintf(stderr, "handled %zu of %d messages\n", latencies.size(), count);
    return 1;
  }
  std::printf("%.2f %.2f %.2f\n", percentile(latencies, 0.5), percentile(latencies, 0.99), percentile(latencies, 1.0));
}
