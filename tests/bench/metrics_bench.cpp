// What metrics cost a consumer, in one run on one server (metrics_benchmark.sh):
// 1. catching up over N messages with a handler that only counts, without a
//    metrics endpoint, and with one (evt::metrics::endpoint, the lag on its
//    own session) scraped over HTTP every 100 ms; rounds alternate off and
//    on, so that the machine's drift falls on both, and the best of each is
//    kept;
// 2. the counting a consumer always does (evt::telemetry: a counter, a
//    position and a clock reading per message), beside a plain integer.
// Prints "off <msgs/s>", "on <msgs/s> <scrapes>", "count_ns <plain> <counter> <progress>".
//
//   evt_metrics_bench [--messages N] [--rounds R] [--scrape-ms MS]
#include <evt/consumer/consumer.hpp>
#include <evt/metrics/endpoint.hpp>
#include <evt/metrics/registry.hpp>
#include <evt/store/put.hpp>
#include <evt/store/session.hpp>
#include <evt/stream_name.hpp>
#include <evt/telemetry/counter.hpp>
#include <evt/telemetry/progress.hpp>
#include <evt/uuid.hpp>

#include <CLI/CLI.hpp>
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

// N messages in 100-message batches, one stream each.
void write_messages(const std::string& category, std::int64_t count) {
  evt::store::session session;
  const std::vector<evt::store::new_message> batch(100, {.type = "Deposited", .data = R"({"amount": 1})"});
  for (std::int64_t written = 0; written < count; written += 100) {
    evt::store::put(session, batch, evt::stream_name(category, std::to_string(written / 100)));
  }
}

struct result {
  double rate = 0;
  std::int64_t scrapes = 0;
};

// A consumer of its own (a fresh position stream) catches up over the category.
result catch_up(const std::string& category, std::int64_t count, int number, bool metrics,
               std::chrono::milliseconds scrape_interval) {
  evt::store::session session;
  evt::consumer consumer{session, {.category = category, .identifier = "bench" + std::to_string(number)}};
  std::int64_t handled = 0;
  consumer.add_handler([&handled](const evt::store::message_data&) { ++handled; });
  session.connect();

  evt::metrics::registry registry;
  registry.add(consumer);
  std::unique_ptr<evt::metrics::endpoint> endpoint;
  std::atomic<bool> done{false};
  std::atomic<std::int64_t> scrapes{0};
  std::thread scraper;
  if (metrics) {
    endpoint = std::make_unique<evt::metrics::endpoint>(registry, evt::metrics::endpoint::settings{});
    scraper = std::thread{[&] {
      httplib::Client client{"127.0.0.1", endpoint->port()};
      while (!done) {
        const auto response = client.Get("/metrics");
        if (!response || response->status != 200) std::fprintf(stderr, "a scrape failed\n");
        ++scrapes;
        for (auto waited = std::chrono::milliseconds{0}; waited < scrape_interval && !done; waited += std::chrono::milliseconds{5}) {
          std::this_thread::sleep_for(std::chrono::milliseconds{5});
        }
      }
    }};
  }
  const auto started = clock_type::now();
  consumer.run_until_caught_up();
  const auto took = std::chrono::duration<double>(clock_type::now() - started).count();
  done = true;
  if (scraper.joinable()) scraper.join();
  if (handled != count) {
    std::fprintf(stderr, "handled %lld of %lld\n", static_cast<long long>(handled), static_cast<long long>(count));
    std::exit(1);
  }
  return {.rate = static_cast<double>(count) / took, .scrapes = scrapes};
}

// Nanoseconds per call of `work`, the best of 5 runs of 10 million calls.
template <class Work>
double nanoseconds_each(Work&& work) {
  constexpr std::int64_t calls = 10'000'000;
  double best = 1e9;
  for (int run = 0; run < 5; ++run) {
    const auto started = clock_type::now();
    for (std::int64_t i = 0; i < calls; ++i) work(i);
    best = std::min(best, std::chrono::duration<double, std::nano>(clock_type::now() - started).count() / calls);
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"What metrics cost a consumer catching up (see metrics_benchmark.sh).", "evt_metrics_bench"};
  std::int64_t messages = 20'000;
  int rounds = 3;
  int scrape_ms = 100;
  app.add_option("--messages", messages, "messages to catch up over (a multiple of 100)")
      ->check(CLI::Range(100, 10'000'000))
      ->capture_default_str();
  app.add_option("--rounds", rounds, "rounds without and with metrics")->check(CLI::Range(1, 100))->capture_default_str();
  app.add_option("--scrape-ms", scrape_ms, "the scraper's interval")->check(CLI::Range(1, 60'000))->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  messages -= messages % 100;

  const auto category = "benchMetrics" + evt::random_uuid().substr(0, 8);
  write_messages(category, messages);
  result off;
  result on;
  for (int i = 0; i < rounds; ++i) {
    const auto without = catch_up(category, messages, 2 * i, false, std::chrono::milliseconds{scrape_ms});
    const auto with = catch_up(category, messages, 2 * i + 1, true, std::chrono::milliseconds{scrape_ms});
    if (without.rate > off.rate) off = without;
    if (with.rate > on.rate) on = with;
  }
  std::printf("off %.0f\n", off.rate);
  std::printf("on %.0f %lld\n", on.rate, static_cast<long long>(on.scrapes));

  volatile std::int64_t sink = 0;
  std::int64_t plain = 0;
  evt::telemetry::counter counter;
  evt::telemetry::progress progress;
  const auto plain_ns = nanoseconds_each([&](std::int64_t) { sink = ++plain; });
  const auto counter_ns = nanoseconds_each([&](std::int64_t) {
    ++counter;
    sink = counter.load();
  });
  const auto progress_ns = nanoseconds_each([&](std::int64_t i) {
    ++counter;
    progress.took(i);
    sink = progress.position();
  });
  std::printf("count_ns %.2f %.2f %.2f\n", plain_ns, counter_ns, progress_ns);
  return sink == -1 ? 1 : 0;
}
