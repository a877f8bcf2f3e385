// Soak of a consumer: MESSAGES typed messages written in batches by one
// thread while a consumer under the component host decodes and handles them
// in another. Prints the process's resident memory after warm-up (two fifths
// of the messages) and at the end, and fails if it grew by more than
// ALLOWED_GROWTH_MIB.
//
//   evt_consumer_soak MESSAGES ALLOWED_GROWTH_MIB   (EVT_TEST_CONNINFO or --database)
#include <evt/consumer/consumer.hpp>
#include <evt/consumer/host.hpp>
#include <evt/handler/handler.hpp>
#include <evt/message/conversion.hpp>
#include <evt/store/put.hpp>
#include <evt/store/session.hpp>
#include <evt/uuid.hpp>

#include <CLI/CLI.hpp>

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace {

EVT_MESSAGE(Measured, (std::string, sensor_id), (std::int64_t, sequence), (double, value), (std::string, note));

double resident_mib() {
  std::ifstream statm{"/proc/self/statm"};
  long pages = 0;
  long resident = 0;
  statm >> pages >> resident;
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

struct Sensors : evt::handler {
  std::int64_t handled = 0;
  std::int64_t checksum = 0;
  Sensors() : evt::handler{"Sensors", true} {
    handle<Measured>([this](const Measured& measured) {
      ++handled;
      checksum += measured.sequence;
    });
  }
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Soak of a consumer: fails if its resident memory grows by more than ALLOWED_GROWTH_MIB.",
               "evt_consumer_soak"};
  std::string conninfo;
  std::int64_t messages = 0;
  double allowed = 0;
  app.add_option("--database", conninfo, "libpq conninfo of the store")->envname("EVT_TEST_CONNINFO")->required();
  app.add_option("MESSAGES", messages, "how many messages to write and handle")->required()->check(CLI::PositiveNumber);
  app.add_option("ALLOWED_GROWTH_MIB", allowed, "the growth allowed after warm-up")
      ->required()
      ->check(CLI::NonNegativeNumber);
  CLI11_PARSE(app, argc, argv);
  const auto category = "soak" + evt::random_uuid().substr(0, 8);

  std::thread writing{[&] {
    evt::store::session session{{.conninfo = conninfo}};
    constexpr std::int64_t batch_size = 500;
    for (std::int64_t written = 0; written < messages;) {
      const auto stream = category + "-" + std::to_string(written / batch_size % 1000);
      std::vector<evt::store::new_message> batch;
      for (std::int64_t i = 0; i < batch_size && written < messages; ++i, ++written) {
        batch.push_back(evt::export_message(Measured{.sensor_id = stream, .sequence = written, .value = 0.5 * written,
                                                     .note = "a note of some forty characters, give or take"}));
      }
      evt::store::put(session, batch, stream);
    }
  }};

  evt::store::session session{{.conninfo = conninfo}};
  evt::consumer consumer{session, {.category = category, .identifier = "soak", .poll_interval = std::chrono::milliseconds{10}}};
  evt::host host;
  Sensors sensors;
  double warm = 0;
  double peak_after_warm_up = 0;
  consumer.add_handler(sensors);
  consumer.add_handler([&](const evt::store::message_data&) {
    if (sensors.handled % 10000 == 0 || sensors.handled == messages) {
      const auto now = resident_mib();
      if (sensors.handled >= messages * 2 / 5) {
        if (warm == 0) warm = now;
        peak_after_warm_up = std::max(peak_after_warm_up, now);
      }
    }
    if (sensors.handled == messages) host.stop();
  });
  const int status = host.add(consumer).run();
  writing.join();
  const double end = resident_mib();
  const std::int64_t expected_checksum = messages * (messages - 1) / 2;

  std::printf("consumer soak: %lld messages handled (checksum %s); resident memory after warm-up %.1f MiB, "
              "peak after warm-up %.1f MiB, at the end %.1f MiB (growth %.1f MiB, allowed %.1f)\n",
              static_cast<long long>(sensors.handled), sensors.checksum == expected_checksum ? "right" : "WRONG", warm,
              peak_after_warm_up, end, end - warm, allowed);
  if (status != 0 || sensors.handled != messages || sensors.checksum != expected_checksum) return 1;
  return end - warm <= allowed ? 0 : 1;
}
