#pragma once

#include <evt/clock.hpp>
#include <evt/idempotency/holder.hpp>
#include <evt/idempotency/record.hpp>
#include <evt/idempotency/storage.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace evt::idempotency {

struct settings {
  // How long an initiating caller holds a key before another caller may take
  // it over: longer than the operation takes (renew() extends it).
  std::chrono::milliseconds lease{std::chrono::seconds{30}};
  // How long a record is kept from its last change; after that the key is
  // forgotten and may be used again.
  std::chrono::milliseconds retention{std::chrono::hours{24}};
  // How often wait() looks again.
  std::chrono::milliseconds poll_interval{std::chrono::milliseconds{20}};
  std::function<time_point()> clock = evt::now;
  std::function<void(std::chrono::milliseconds)> sleep = nullptr;  // default: this thread sleeps
};

// The idempotency record protocol on serialised results (manager<Result>
// is the typed face). One caller initiates a key and holds a lease on it; it
// records a success or failure, or releases the key; everyone else reads
// the record or waits for it. Every change is one compare-and-set on the
// storage, so of callers racing for a key exactly one wins, also when they
// race to take over an expired lease.
//
// The caller is a holder (evt/idempotency/holder.hpp) that it passes to
// every call; the record names its holder, and the manager keeps nothing of
// its own per key or per caller: the storage is the only truth, so a holder
// may move between threads and managers, and an abandoned key costs the
// manager nothing (its record expires, or another holder takes it over).
// Because nothing is remembered, each call answers from the record alone:
// repeating a call, after a lost connection or not, answers as the first
// did once it was recorded.
//
// Keys: see check_idempotency_key (evt/idempotence_key.hpp); anything else
// is an idempotency_error. A manager may be shared by threads if its storage
// may (memory_storage; a message_store_storage may not).
class basic_manager {
 public:
  explicit basic_manager(storage& storage, idempotency::settings settings = {});

  // The key's record, unless it has none or it has expired.
  std::optional<record> get(std::string_view key);

  // True when `holder` now holds the key: it created the record, took over
  // a pending one whose lease expired or was released (attempt + 1), or
  // holds it already under a live lease. The record cannot tell a retry
  // whose first reply was lost from a second call, so both answer true: a
  // holder is for one run of an operation. False when another holder holds
  // the key or its operation completed. A record made for a different
  // context is a fingerprint_mismatch_error.
  bool initiate(const holder& holder, std::string_view key, std::string_view context = {});

  // Records the operation's outcome; the key is no longer held. A
  // lease_lost_error when `holder` does not hold the key (any more): then
  // nothing was recorded. Repeating a call that was recorded does nothing.
  void success(const holder& holder, std::string_view key, std::string_view format, std::string result);
  void fail(const holder& holder, std::string_view key, std::string_view format, std::string failure);
  // Gives the key up without an outcome (the operation may be run again,
  // by anyone, at once), e.g. after a transient error. Nothing to do once
  // the holder completed or released it.
  void release(const holder& holder, std::string_view key);
  // Extends the lease by settings::lease from now.
  void renew(const holder& holder, std::string_view key);

  // Waits until the key's operation completes and returns its record. An
  // operation_pending_error when it does not within `timeout`, an
  // idempotency_error when the key has no record.
  record wait(std::string_view key, std::chrono::milliseconds timeout);

  // Whether `holder` holds the key: its operation is pending under this
  // holder, which has not released it (its lease may have expired, but
  // nobody took it over).
  bool holds(const holder& holder, std::string_view key);

  const idempotency::settings& settings() const noexcept { return settings_; }
  void pause(std::chrono::milliseconds duration) const;

 private:
  // The key's record if it names `holder`, else a lease_lost_error.
  record held_record(const holder& holder, std::string_view key, const char* operation);
  void complete(const holder& holder, std::string_view key, idempotency::status status, std::string_view format,
                std::string payload);

  storage& storage_;
  idempotency::settings settings_;
};

}  // namespace evt::idempotency
