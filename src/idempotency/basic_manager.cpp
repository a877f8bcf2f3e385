#include <evt/idempotency/basic_manager.hpp>

#include <evt/error.hpp>
#include <evt/idempotence_key.hpp>
#include <evt/uuid.hpp>

#include <algorithm>
#include <thread>
#include <utility>

namespace evt::idempotency {
namespace {

std::string milliseconds(std::chrono::milliseconds duration) { return std::to_string(duration.count()) + " ms"; }

}  // namespace

basic_manager::basic_manager(storage& storage, idempotency::settings settings)
    : storage_{storage}, settings_{std::move(settings)} {}

std::optional<record> basic_manager::get(std::string_view key) {
  check_idempotency_key(key);
  auto current = storage_.get(key);
  if (current && current->is_expired(settings_.clock())) return std::nullopt;
  return current;
}

bool basic_manager::initiate(std::string_view key, std::string_view context) {
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
      // This caller's own earlier initiate, whose reply was lost, took it.
      const auto mine = held(key);
      if (mine && !mine->confirmed && current->owner == mine->token && !current->lease_expired(now)) {
        hold(key, {mine->token, true});
        return true;
      }
      if (!current->lease_expired(now)) return false;
      next = *current;
      next.attempt = current->attempt + 1;
      expected = current->version;
      change = transition::taken_over;
    } else {
      next = record{.key = std::string{key}, .context = std::string{context}, .created_at = now};
      if (current) expected = current->version;  // an expired record is replaced
    }
    next.status = status::pending;
    next.owner = random_uuid();
    next.lease_expires_at = now + settings_.lease;
    next.expires_at = now + settings_.retention;
    // Held, unconfirmed, before the write: if the connection is lost under
    // it, initiating again recognises the record as this caller's.
    hold(key, {next.owner, false});
    if (storage_.put(next, expected, change)) {
      hold(key, {next.owner, true});
      return true;
    }
    forget(key);
  }
}

void basic_manager::success(std::string_view key, std::string_view format, std::string result) {
  complete(key, status::success, format, std::move(result));
}

void basic_manager::fail(std::string_view key, std::string_view format, std::string failure) {
  complete(key, status::failed, format, std::move(failure));
}

record basic_manager::held_record(std::string_view key, const char* operation) {
  check_idempotency_key(key);
  const auto mine = held(key);
  const auto lost = [&](const std::string& why) {
    forget(key);
    return lease_lost_error{"Cannot " + std::string{operation} + ": " + why + " (Key: " + std::string{key} + ")",
                            std::string{key}};
  };
  if (!mine) throw lost("this caller does not hold the key");
  auto current = storage_.get(key);
  if (!current) throw lost("the key has no record any more");
  if (current->owner != mine->token) {
    throw lost("another caller took the key over after this caller's lease expired (Attempt: " +
               std::to_string(current->attempt) + ")");
  }
  return std::move(*current);
}

void basic_manager::complete(std::string_view key, idempotency::status status, std::string_view format,
                             std::string payload) {
  const char* operation = status == status::success ? "record a success" : "record a failure";
  for (;;) {
    auto current = held_record(key, operation);
    if (current.status != status::pending) {
      if (current.status == status && current.result == payload) {  // a repeat of a recorded call
        forget(key);
        return;
      }
      forget(key);
      throw lease_lost_error{"Cannot " + std::string{operation} + ": the operation completed already (Key: " +
                                 std::string{key} + ", Status: " + std::string{to_string(current.status)} + ")",
                             std::string{key}};
    }
    const auto expected = current.version;
    current.status = status;
    current.format = std::string{format};
    current.result = std::move(payload);
    current.expires_at = settings_.clock() + settings_.retention;
    if (storage_.put(current, expected, status == status::success ? transition::succeeded : transition::failed)) {
      forget(key);
      return;
    }
    payload = std::move(*current.result);  // another caller changed it first: look again
  }
}

void basic_manager::release(std::string_view key) {
  for (;;) {
    auto current = held_record(key, "release the key");
    if (current.status != status::pending || current.lease_expires_at == time_point{}) {  // done already
      forget(key);
      return;
    }
    const auto expected = current.version;
    current.lease_expires_at = time_point{};  // expired: anyone may take over at once
    if (storage_.put(current, expected, transition::released)) {
      forget(key);
      return;
    }
  }
}

void basic_manager::renew(std::string_view key) {
  for (;;) {
    auto current = held_record(key, "renew the lease");
    if (current.status != status::pending) {
      throw lease_lost_error{"Cannot renew the lease: the operation completed already (Key: " + std::string{key} + ")",
                             std::string{key}};
    }
    const auto expected = current.version;
    const auto now = settings_.clock();
    current.lease_expires_at = now + settings_.lease;
    current.expires_at = std::max(current.expires_at, now + settings_.retention);
    if (storage_.put(current, expected, transition::renewed)) return;
  }
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

bool basic_manager::holds(std::string_view key) const {
  const auto mine = held(key);
  return mine && mine->confirmed;
}

std::optional<basic_manager::lease> basic_manager::held(std::string_view key) const {
  const std::lock_guard lock{mutex_};
  const auto found = held_.find({std::string{key}, std::this_thread::get_id()});
  if (found == held_.end()) return std::nullopt;
  return found->second;
}

void basic_manager::hold(std::string_view key, lease lease) {
  const std::lock_guard lock{mutex_};
  held_.insert_or_assign({std::string{key}, std::this_thread::get_id()}, std::move(lease));
}

void basic_manager::forget(std::string_view key) {
  const std::lock_guard lock{mutex_};
  held_.erase({std::string{key}, std::this_thread::get_id()});
}

}  // namespace evt::idempotency
