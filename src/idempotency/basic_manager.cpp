#include <evt/idempotency/basic_manager.hpp>

#include <evt/error.hpp>
#include <evt/idempotence_key.hpp>

#include <algorithm>
#include <thread>
#include <utility>

namespace evt::idempotency {
namespace {

std::string milliseconds(std::chrono::milliseconds duration) { return std::to_string(duration.count()) + " ms"; }

lease_lost_error lease_lost(const char* operation, std::string_view key, const std::string& why,
                            const std::string& details = {}) {
  return lease_lost_error{"Cannot " + std::string{operation} + ": " + why + " (Key: " + std::string{key} + details + ")",
                          std::string{key}};
}

}  // namespace

basic_manager::basic_manager(storage& storage, idempotency::settings settings)
    : storage_{storage}, settings_{std::move(settings)} {}

std::optional<record> basic_manager::get(std::string_view key) {
  check_idempotency_key(key);
  auto current = storage_.get(key);
  if (current && current->is_expired(settings_.clock())) return std::nullopt;
  return current;
}

bool basic_manager::initiate(const holder& holder, std::string_view key, std::string_view context) {
  check_idempotency_key(key);
  for (;;) {
    const auto now = settings_.clock();
    const auto current = storage_.get(key);
    const bool live = current && !current->is_expired(now);
    record next;
    std::int64_t expected = no_stream;
    transition change = transition::initiated;
    if (live) {
      if (current->context != context) {
        throw fingerprint_mismatch_error{
            "Idempotency key was used for a different request (Key: " + std::string{key} +
                ", Recorded Context: " + current->context + ", Context: " + std::string{context} + ")",
            std::string{key}};
      }
      if (current->status != status::pending) return false;
      // Under a live lease the record alone says who holds the key: this
      // holder's earlier initiate wrote it, whether or not its reply came back.
      if (!current->lease_expired(now)) return current->owner == holder.token();
      next = *current;
      next.attempt = current->attempt + 1;
      expected = current->version;
      change = transition::taken_over;
    } else {
      next = record{.key = std::string{key}, .context = std::string{context}, .created_at = now};
      if (current) expected = current->version;  // an expired record is replaced
    }
    next.status = status::pending;
    next.owner = holder.token();
    next.lease_expires_at = now + settings_.lease;
    next.expires_at = now + settings_.retention;
    if (storage_.put(next, expected, change)) return true;
  }
}

void basic_manager::success(const holder& holder, std::string_view key, std::string_view format, std::string result) {
  complete(holder, key, status::success, format, std::move(result));
}

void basic_manager::fail(const holder& holder, std::string_view key, std::string_view format, std::string failure) {
  complete(holder, key, status::failed, format, std::move(failure));
}

record basic_manager::held_record(const holder& holder, std::string_view key, const char* operation) {
  check_idempotency_key(key);
  auto current = storage_.get(key);
  if (!current) throw lease_lost(operation, key, "the key has no record");
  if (current->owner != holder.token()) {
    throw lease_lost(operation, key, "another holder has the key",
                     ", Status: " + std::string{to_string(current->status)} +
                         ", Attempt: " + std::to_string(current->attempt));
  }
  return std::move(*current);
}

void basic_manager::complete(const holder& holder, std::string_view key, idempotency::status status,
                             std::string_view format, std::string payload) {
  const char* operation = status == status::success ? "record a success" : "record a failure";
  for (;;) {
    auto current = held_record(holder, key, operation);
    if (current.status != status::pending) {
      if (current.status == status && current.result == payload) return;  // a repeat of a recorded call
      throw lease_lost(operation, key, "the operation completed already",
                       ", Status: " + std::string{to_string(current.status)});
    }
    if (current.is_released()) throw lease_lost(operation, key, "this holder released the key");
    const auto expected = current.version;
    current.status = status;
    current.format = std::string{format};
    current.result = std::move(payload);
    current.expires_at = settings_.clock() + settings_.retention;
    if (storage_.put(current, expected, status == status::success ? transition::succeeded : transition::failed)) {
      return;
    }
    payload = std::move(*current.result);  // another caller changed it first: look again
  }
}

void basic_manager::release(const holder& holder, std::string_view key) {
  for (;;) {
    auto current = held_record(holder, key, "release the key");
    if (current.status != status::pending || current.is_released()) return;  // done already
    const auto expected = current.version;
    current.lease_expires_at = time_point{};  // expired: anyone may take over at once
    if (storage_.put(current, expected, transition::released)) return;
  }
}

void basic_manager::renew(const holder& holder, std::string_view key) {
  const char* operation = "renew the lease";
  for (;;) {
    auto current = held_record(holder, key, operation);
    if (current.status != status::pending) throw lease_lost(operation, key, "the operation completed already");
    if (current.is_released()) throw lease_lost(operation, key, "this holder released the key");
    const auto expected = current.version;
    const auto now = settings_.clock();
    current.lease_expires_at = now + settings_.lease;
    current.expires_at = std::max(current.expires_at, now + settings_.retention);
    if (storage_.put(current, expected, transition::renewed)) return;
  }
}

bool basic_manager::holds(const holder& holder, std::string_view key) {
  check_idempotency_key(key);
  const auto current = storage_.get(key);
  return current && current->owner == holder.token() && current->status == status::pending &&
         !current->is_released();
}

record basic_manager::wait(std::string_view key, std::chrono::milliseconds timeout) {
  const auto deadline = settings_.clock() + timeout;
  for (;;) {
    auto current = get(key);
    if (!current) throw idempotency_error{"No operation to wait for (Key: " + std::string{key} + ")", std::string{key}};
    if (current->status != status::pending) return std::move(*current);
    const auto now = settings_.clock();
    if (now >= deadline) {
      throw operation_pending_error{"Operation still pending after waiting " + milliseconds(timeout) +
                                        " (Key: " + std::string{key} + ", Attempt: " +
                                        std::to_string(current->attempt) + ")",
                                    std::string{key}};
    }
    pause(std::min(settings_.poll_interval, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now)));
  }
}

void basic_manager::pause(std::chrono::milliseconds duration) const {
  if (settings_.sleep) {
    settings_.sleep(duration);
  } else {
    std::this_thread::sleep_for(duration);
  }
}

}  // namespace evt::idempotency
