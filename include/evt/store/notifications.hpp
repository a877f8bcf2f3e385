#pragma once

#include <evt/store/session.hpp>

#include <chrono>
#include <string>
#include <string_view>

// Announcements of writes: the optional notify part of the schema
// (message_db/notify) NOTIFYs channel "message_store" with the category of
// every message written. A consumer waits on them once caught up, so that
// it reads a new message at once instead of at its next poll.
namespace evt::store {

// message_db/notify's channel; the payload is the category written.
inline const std::string notify_channel = "message_store";

// LISTENs on `channel` now and again after every reconnection. Through a
// transaction pooler (pool_mode::transaction) nothing is listened to: a
// LISTEN would stay on a server connection lent to others, so
// await_notification only waits, and the caller polls.
void listen(session& session, const std::string& channel);

// Whether a notification with this payload came since the last call, or
// comes within `timeout`; other payloads are discarded. Also true when the
// connection is found lost or is reopened (notifications may have been
// missed meanwhile): the caller reads, and finds out. While it cannot be
// reopened, waits `timeout` and says false.
bool await_notification(session& session, std::string_view payload, std::chrono::milliseconds timeout);

// Forgets the notifications received so far: called just before a read that
// sees everything they announce, so that none pile up while the caller is busy.
void discard_notifications(session& session);

}  // namespace evt::store
