#pragma once

#include <evt/consumer/consumer.hpp>

#include <atomic>
#include <functional>
#include <vector>

namespace evt {

// Runs a component's consumers, each in its own thread, until SIGINT or
// SIGTERM (or stop()), or until one of them fails; then stops them all: each
// finishes its current message and records its position.
class host {
 public:
  host& add(consumer& consumer);

  // Returns 0, or 1 when a consumer failed (its error is written to stderr).
  // SIGINT and SIGTERM are blocked in the calling thread (and so in the
  // consumers' threads) while it runs.
  int run();
  void stop() noexcept { stopping_ = true; }
  // What it runs (a metrics endpoint reports on them: evt::metrics::registry).
  const std::vector<consumer*>& consumers() const noexcept { return consumers_; }

 private:
  std::vector<consumer*> consumers_;
  std::atomic<bool> stopping_{false};
};

}  // namespace evt
