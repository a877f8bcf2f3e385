#pragma once

#include <evt/clock.hpp>
#include <evt/idempotency/storage.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace evt::idempotency {

// Records in this process's memory: for one process, and for tests. Safe to
// share between threads. Expired records are removed every `collect_every`
// writes, or when asked (collect()), so memory stays bounded by the keys
// still within their retention. Its clock must be the managers' clock.
class memory_storage final : public storage {
 public:
  struct settings {
    std::function<time_point()> clock = evt::now;
    std::int64_t collect_every = 1000;  // writes between collections; 0: only when asked
  };

  memory_storage() : memory_storage{settings{}} {}
  explicit memory_storage(settings settings);

  std::optional<record> get(std::string_view key) override;
  bool put(const record& record, std::int64_t expected, transition transition) override;

  // Removes the expired records; returns how many.
  std::size_t collect();
  std::size_t size() const;

 private:
  std::size_t collect_locked();

  settings settings_;
  mutable std::mutex mutex_;
  std::map<std::string, record, std::less<>> records_;
  std::int64_t writes_since_collect_ = 0;
  std::int64_t next_version_ = 0;
};

}  // namespace evt::idempotency
