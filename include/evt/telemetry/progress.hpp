#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace evt::telemetry {

// How far a reader of a category (a consumer, a projector, a relay) got:
// the global position of the last message it took (handled, applied,
// delivered, or parked), and when. Its thread writes it, any thread may
// read it (relaxed atomics, plain stores: see counter.hpp). A metrics
// endpoint reads it to tell the reader's position, its lag (the messages
// of the category after the position) and the time since it last took one.
class progress {
 public:
  using clock = std::chrono::steady_clock;

  progress() = default;
  progress(const progress& other) noexcept { *this = other; }
  progress& operator=(const progress& other) noexcept {
    position_.store(other.position(), std::memory_order_relaxed);
    last_taken_.store(other.last_taken(), std::memory_order_relaxed);
    return *this;
  }

  // The owning thread only. Where it is without taking a message (it
  // starts, or read its position stream): the global position just before
  // the next one it reads (0: from the first).
  void resume_at(std::int64_t position) noexcept {
    position_.store(position, std::memory_order_relaxed);
    if (last_taken() == clock::time_point{}) last_taken_.store(clock::now(), std::memory_order_relaxed);
  }
  // It took the message at this global position, now.
  void took(std::int64_t global_position) noexcept {
    position_.store(global_position, std::memory_order_relaxed);
    last_taken_.store(clock::now(), std::memory_order_relaxed);
  }

  // -1 until it starts.
  std::int64_t position() const noexcept { return position_.load(std::memory_order_relaxed); }
  bool has_started() const noexcept { return position() >= 0; }
  // When it last took a message, or else started; the epoch
  // (clock::time_point{}) before that.
  clock::time_point last_taken() const noexcept { return last_taken_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::int64_t> position_{-1};
  std::atomic<clock::time_point> last_taken_{clock::time_point{}};
};

}  // namespace evt::telemetry
