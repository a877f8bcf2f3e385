#include <evt/store/notifications.hpp>

#include "store/connection.hpp"

namespace evt::store {

void listen(session& session, const std::string& channel) {
  auto& connection = detail::access::of(session);
  const detail::in_use claim{connection, {.name = "listen"}};
  connection.listen(channel);
}

bool await_notification(session& session, std::string_view payload, std::chrono::milliseconds timeout) {
  auto& connection = detail::access::of(session);
  const detail::in_use claim{connection, {.name = "await notification"}};
  return connection.await_notification(payload, timeout);
}

void discard_notifications(session& session) {
  auto& connection = detail::access::of(session);
  const detail::in_use claim{connection, {.name = "discard notifications"}};
  connection.discard_notifications();
}

}  // namespace evt::store
