#include <evt/idempotency/memory_storage.hpp>

#include <utility>

namespace evt::idempotency {

memory_storage::memory_storage(settings settings) : settings_{std::move(settings)} {}

std::optional<record> memory_storage::get(std::string_view key) {
  const std::lock_guard lock{mutex_};
  const auto found = records_.find(key);
  if (found == records_.end()) return std::nullopt;
  return found->second;
}

bool memory_storage::put(const record& record, std::int64_t expected, transition) {
  const std::lock_guard lock{mutex_};
  const auto found = records_.find(record.key);
  const auto version = found == records_.end() ? no_stream : found->second.version;
  if (version != expected) return false;
  auto stored = record;
  // Versions are never reused, not even after a collection removed the
  // key: a caller still holding a version read before it cannot match the
  // record made after it.
  stored.version = next_version_++;
  if (found == records_.end()) {
    records_.emplace(record.key, std::move(stored));
  } else {
    found->second = std::move(stored);
  }
  if (settings_.collect_every > 0 && ++writes_since_collect_ >= settings_.collect_every) collect_locked();
  return true;
}

std::size_t memory_storage::collect() {
  const std::lock_guard lock{mutex_};
  return collect_locked();
}

std::size_t memory_storage::collect_locked() {
  writes_since_collect_ = 0;
  const auto now = settings_.clock();
  return std::erase_if(records_, [&](const auto& entry) { return entry.second.is_expired(now); });
}

std::size_t memory_storage::size() const {
  const std::lock_guard lock{mutex_};
  return records_.size();
}

}  // namespace evt::idempotency
