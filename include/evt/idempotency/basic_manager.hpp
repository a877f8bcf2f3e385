#pragma once

#include <evt/clock.hpp>
#include <evt/idempotency/record.hpp>
#include <evt/idempotency/storage.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

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
// Keys: see check_idempotency_key (evt/idempotence_key.hpp); anything else
// is an idempotency_error. A manager may be shared by threads if its storage
// may (memory_storage; a message_store_storage may not); the caller holding
// a key is the thread that initiated it through this manager. Logical
// callers that share a thread (coroutines, an event loop) take a manager
// each. A call whose write was lost keeps its hold until the same caller
// calls again.
class basic_manager {
 public:
  explicit basic_manager(storage& storage, idempotency::settings settings = {});

  // The key's record, unless it has none or it has expired.
  std::optional<record> get(std::string_view key);

  // True only for the one caller that now holds the key: it created the
  // record, or took over a pending one whose lease expired or was released
  // (attempt + 1). False when the key is held by another caller or its
  // operation completed. A record made for a different context is a
  // fingerprint_mismatch_error. After a lost connection, initiating again
  // answers true if the lost attempt did take the key.
  bool initiate(std::string_view key, std::string_view context = {});

  // Records the operation's outcome; the key is no longer held. A
  // lease_lost_error when this caller does not hold the key (any more):
  // then nothing was recorded. Repeating a call that was recorded (after a
  // lost connection) does nothing.
  void success(std::string_view key, std::string_view format, std::string result);
  void fail(std::string_view key, std::string_view format, std::string failure);
  // Gives the key up without an outcome (the operation may be run again,
  // by anyone, at once), e.g. after a transient error.
  void release(std::string_view key);
  // Extends the lease by settings::lease from now.
  void renew(std::string_view key);

  // Waits until the key's operation completes and returns its record. An
  // operation_pending_error when it does not within `timeout`, an
  // idempotency_error when the key has no record.
  record wait(std::string_view key, std::chrono::milliseconds timeout);

  // Whether this thread holds the key through this manager (it initiated it
  // and has not completed or released it).
  bool holds(std::string_view key) const;

  const idempotency::settings& settings() const noexcept { return settings_; }
  void pause(std::chrono::milliseconds duration) const;

 private:
  // What this thread holds of a key: the owner token written in the record,
  // and whether the write was seen to succeed (unconfirmed: its reply was lost).
  struct lease {
    std::string token;
    bool confirmed = false;
  };

  record held_record(std::string_view key, const char* operation);
  void complete(std::string_view key, idempotency::status status, std::string_view format, std::string payload);
  std::optional<lease> held(std::string_view key) const;
  void hold(std::string_view key, lease lease);
  void forget(std::string_view key);

  storage& storage_;
  idempotency::settings settings_;
  mutable std::mutex mutex_;
  // (key, thread) -> that thread's lease: the caller is the thread, so
  // threads sharing a manager never complete each other's keys.
  std::map<std::pair<std::string, std::thread::id>, lease> held_;
};

}  // namespace evt::idempotency
