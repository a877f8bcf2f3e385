#include <evt/idempotency/record.hpp>

#include <evt/error.hpp>

#include <algorithm>

namespace evt::idempotency {

std::string_view to_string(status status) noexcept {
  switch (status) {
    case status::pending: return "pending";
    case status::success: return "success";
    case status::failed: return "failed";
  }
  return "unknown";
}

status status_from_string(std::string_view text) {
  for (const auto candidate : {status::pending, status::success, status::failed}) {
    if (to_string(candidate) == text) return candidate;
  }
  throw error{"Unknown idempotency record status (Status: " + std::string{text} + ")"};
}

std::string_view message_type(transition transition) noexcept {
  switch (transition) {
    case transition::initiated: return "Initiated";
    case transition::taken_over: return "TakenOver";
    case transition::renewed: return "Renewed";
    case transition::released: return "Released";
    case transition::succeeded: return "Succeeded";
    case transition::failed: return "Failed";
  }
  return "Unknown";
}

bool record::is_expired(time_point now) const noexcept {
  if (status != status::pending) return now >= expires_at;
  return now >= std::max(expires_at, lease_expires_at);
}

}  // namespace evt::idempotency
