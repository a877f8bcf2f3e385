// The evt::store side of tests/bench/store_benchmarks.sh and
// pooler_benchmark.sh. Connects through libpq's environment (PGHOST, ...)
// and EVT_BENCH_CONNINFO, which may add evt_pool_mode=transaction, and
// prints "<messages> <seconds>".
//
//   evt_store_bench write CLIENTS SECONDS   single-message puts, CLIENTS threads
//   evt_store_bench batch SIZE SECONDS      batches of SIZE messages, one thread
//   evt_store_bench fill CATEGORY COUNT     COUNT messages into CATEGORY, in batches
//   evt_store_bench read CATEGORY BATCH     read the whole category
//   evt_store_bench consume CATEGORY [N]    a consumer with a no-op handler, to the end,
//                                           recording its position every N (100)
#include <evt/consumer/consumer.hpp>
#include <evt/store/put.hpp>
#include <evt/store/read.hpp>
#include <evt/store/session.hpp>
#include <evt/stream_name.hpp>
#include <evt/uuid.hpp>

#include <CLI/CLI.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <thread>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

const evt::store::new_message message{.type = "SomeType", .data = R"({"attribute": "some value"})"};

evt::store::settings settings() {
  const char* conninfo = std::getenv("EVT_BENCH_CONNINFO");
  return {.conninfo = conninfo != nullptr ? conninfo : ""};
}

double seconds_since(clock_type::time_point start) {
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

void report(std::int64_t messages, double seconds) { std::printf("%lld %.6f\n", static_cast<long long>(messages), seconds); }

void write(int clients, double seconds) {
  std::atomic<std::int64_t> written{0};
  std::vector<std::thread> threads;
  const auto start = clock_type::now();
  for (int client = 0; client < clients; ++client) {
    threads.emplace_back([&] {
      evt::store::session session{settings()};
      std::int64_t count = 0;
      while (seconds_since(start) < seconds) {
        evt::store::put(session, message, evt::stream_name("benchWrite", evt::random_uuid()));
        ++count;
      }
      written += count;
    });
  }
  for (auto& thread : threads) thread.join();
  report(written, seconds_since(start));
}

void batch(int size, double seconds) {
  evt::store::session session{settings()};
  const std::vector<evt::store::new_message> batch(static_cast<std::size_t>(size), message);
  std::int64_t written = 0;
  const auto start = clock_type::now();
  while (seconds_since(start) < seconds) {
    evt::store::put(session, batch, evt::stream_name("benchBatch", evt::random_uuid()));
    written += size;
  }
  report(written, seconds_since(start));
}

void fill(const std::string& category, std::int64_t count) {
  evt::store::session session{settings()};
  const std::vector<evt::store::new_message> batch(1000, message);
  for (std::int64_t written = 0; written < count; written += 1000) {
    evt::store::put(session, batch, evt::stream_name(category, std::to_string(written / 1000 % 100)));
  }
}

void read(const std::string& category, std::int64_t batch_size) {
  const auto start = clock_type::now();
  evt::store::session session{settings()};
  std::size_t bytes = 0;
  const auto count = evt::store::read_category(
      session, category, [&](const evt::store::message_data& message) { bytes += message.data.value_or("").size(); },
      evt::store::category_batch{.batch_size = batch_size});
  report(count, seconds_since(start));
  if (bytes == 0) std::fputs("read no data\n", stderr);
}

void consume(const std::string& category, std::int64_t position_update_interval) {
  const auto start = clock_type::now();
  evt::store::session session{settings()};
  evt::consumer consumer{session, {.category = category,
                                   .identifier = evt::random_uuid(),
                                   .position_update_interval = position_update_interval}};
  std::size_t bytes = 0;
  consumer.add_handler([&](const evt::store::message_data& message) { bytes += message.data.value_or("").size(); });
  const auto count = consumer.run_until_caught_up();
  report(count, seconds_since(start));
  if (bytes == 0) std::fputs("consumed no data\n", stderr);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"The evt::store side of store_benchmarks.sh: prints \"<messages> <seconds>\".", "evt_store_bench"};
  int clients = 1;
  int size = 1;
  double seconds = 0;
  std::string category;
  std::int64_t number = 0;  // fill's COUNT, read's BATCH
  std::int64_t position_interval = 100;
  const auto add_seconds = [&](CLI::App* command) {
    command->add_option("SECONDS", seconds, "how long to write")->required()->check(CLI::PositiveNumber);
  };
  const auto add_category = [&](CLI::App* command) {
    command->add_option("CATEGORY", category, "the category")->required();
  };
  auto* writing = app.add_subcommand("write", "single-message puts from CLIENTS threads");
  writing->add_option("CLIENTS", clients, "threads, each with its session")->required()->check(CLI::PositiveNumber);
  add_seconds(writing);
  auto* batching = app.add_subcommand("batch", "batches of SIZE messages, one thread");
  batching->add_option("SIZE", size, "messages in a batch")->required()->check(CLI::PositiveNumber);
  add_seconds(batching);
  auto* filling = app.add_subcommand("fill", "COUNT messages into CATEGORY, in batches");
  add_category(filling);
  filling->add_option("COUNT", number, "how many messages")->required()->check(CLI::PositiveNumber);
  auto* reading = app.add_subcommand("read", "read the whole category");
  add_category(reading);
  reading->add_option("BATCH", number, "messages read at once (-1: all in one)")
      ->required()
      ->check(CLI::Range(std::int64_t{-1}, std::numeric_limits<std::int64_t>::max()));
  auto* consuming = app.add_subcommand("consume", "a consumer with a no-op handler, to the end");
  add_category(consuming);
  consuming->add_option("POSITION_INTERVAL", position_interval, "record the position every so many messages")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.require_subcommand(1);
  CLI11_PARSE(app, argc, argv);

  if (*writing) write(clients, seconds);
  if (*batching) batch(size, seconds);
  if (*filling) fill(category, number);
  if (*reading) read(category, number);
  if (*consuming) consume(category, position_interval);
  return 0;
}
