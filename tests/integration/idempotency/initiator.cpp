// One process of the idempotency process race (idempotency_processes.sh):
// waits for the start file, then
//   hold:    initiates KEY and exits without completing it (a crash), printing
//            "initiated" or "not initiated";
//   execute: runs an operation for KEY through the executor, printing "ran"
//            when this process ran it, then "result: <result>".
// usage: evt_idempotency_initiator CATEGORY KEY START_FILE hold|execute LEASE_MS
#include <evt/idempotency/executor.hpp>
#include <evt/idempotency/message_store_storage.hpp>
#include <evt/store/session.hpp>

#include "support/database.hpp"

#include <CLI/CLI.hpp>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

int main(int argc, char** argv) {
  CLI::App app{"One process of the idempotency process race.", "evt_idempotency_initiator"};
  std::string category, key, start, mode;
  std::int64_t lease_ms = 0;
  app.add_option("CATEGORY", category, "the idempotency records' category")->required();
  app.add_option("KEY", key, "the idempotency key")->required();
  app.add_option("START_FILE", start, "begin once this file exists")->required();
  app.add_option("MODE", mode, "hold: initiate and exit (a crash); execute: run through the executor")
      ->required()
      ->check(CLI::IsMember(std::vector<std::string>{"hold", "execute"}));
  app.add_option("LEASE_MS", lease_ms, "the records' lease")->required()->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);
  const std::chrono::milliseconds lease{lease_ms};
  try {
    evt::store::session session{{.conninfo = evt::test::conninfo()}};
    evt::idempotency::message_store_storage storage{session, category};
    evt::idempotency::manager<std::string> records{storage, {.lease = lease, .poll_interval = std::chrono::milliseconds{20}}};
    session.connect();  // connected before the start, so that all go at once
    for (int waited = 0; !std::filesystem::exists(start); ++waited) {
      if (waited == 30'000) throw std::runtime_error{"no start file " + start};
      std::this_thread::sleep_for(std::chrono::milliseconds{1});
    }
    if (mode == "hold") {
      const auto holder = evt::idempotency::holder::make();
      std::cout << (records.initiate(holder, key, "same request") ? "initiated" : "not initiated") << std::endl;
      return 0;
    }
    evt::idempotency::executor<std::string> execute{records};
    const auto result = execute(key, "same request", [&](const evt::idempotency::attempt& attempt) {
      std::cout << "ran" << std::endl;
      return "run by process " + std::to_string(::getpid()) + ", attempt " + std::to_string(attempt.number);
    });
    std::cout << "result: " << result << std::endl;
    return 0;
  } catch (const std::exception& error) {
    std::cerr << "evt_idempotency_initiator: " << error.what() << std::endl;
    return 1;
  }
}
