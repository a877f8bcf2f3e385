#pragma once

#include <atomic>
#include <cstdint>

namespace evt::telemetry {

// A count that one thread adds to (the consumer, projector or relay that
// owns it) while any thread may read it (a metrics endpoint, evt::metrics).
// The one writer adds with a relaxed load and store: no locked
// instruction, so counting costs what a plain integer does. Readers see
// every value whole, and eventually the latest.
//
// It reads as a std::int64_t; a copy takes the value (a rollback restores
// a copy taken before).
class counter {
 public:
  counter() = default;
  counter(const counter& other) noexcept : value_{other.load()} {}
  counter& operator=(const counter& other) noexcept {
    value_.store(other.load(), std::memory_order_relaxed);
    return *this;
  }

  // The owning thread only.
  counter& operator+=(std::int64_t amount) noexcept {
    value_.store(value_.load(std::memory_order_relaxed) + amount, std::memory_order_relaxed);
    return *this;
  }
  counter& operator++() noexcept { return *this += 1; }

  std::int64_t load() const noexcept { return value_.load(std::memory_order_relaxed); }
  operator std::int64_t() const noexcept { return load(); }

 private:
  std::atomic<std::int64_t> value_{0};
};

}  // namespace evt::telemetry
