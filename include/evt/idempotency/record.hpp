#pragma once

#include <evt/clock.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace evt::idempotency {

enum class status { pending, success, failed };

std::string_view to_string(status status) noexcept;
// "pending", "success" or "failed"; anything else is an evt::error.
status status_from_string(std::string_view text);

// What is known of one key's operation. Results and failures are kept
// serialised (`format` names the serializer); the manager reads them back.
struct record {
  std::string key{};
  idempotency::status status = status::pending;
  std::string context{};            // what the caller said of its request (a fingerprint)
  std::string owner{};              // the token of the holder that holds (or last held) the lease
  std::int64_t attempt = 1;         // +1 each time another caller takes the key over
  time_point lease_expires_at{};    // pending: another caller may take over from then
  time_point expires_at{};          // the record is forgotten from then (its retention)
  time_point created_at{};
  std::string format{};             // of result: "msgpack", "json", ...
  std::optional<std::string> result = std::nullopt;  // success: the result; failed: the failure
  std::int64_t version = 0;         // the storage's version of the record, for compare-and-set

  bool operator==(const record&) const = default;

  // Forgotten: completed and past its retention, or pending and past both
  // its retention and its lease (a live lease keeps a slow operation's key).
  bool is_expired(time_point now) const noexcept;
  // Pending, and its holder's lease has run out (or was given up).
  bool lease_expired(time_point now) const noexcept { return status == status::pending && now >= lease_expires_at; }
  // Pending, and its holder gave it up (release): its lease ends at the epoch.
  bool is_released() const noexcept { return status == status::pending && lease_expires_at == time_point{}; }
};

// How a record changed, as a storage may keep it (the message store writes
// one message of this type per change).
enum class transition { initiated, taken_over, renewed, released, succeeded, failed };

std::string_view message_type(transition transition) noexcept;

}  // namespace evt::idempotency
