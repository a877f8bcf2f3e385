#pragma once

// Internal: a write committed without waiting for the WAL flush.
#include <evt/store/message_data.hpp>
#include <evt/store/session.hpp>

#include <cstdint>
#include <string_view>

namespace evt::store::detail {

// As put(session, ...) without an expected version, but synchronous_commit
// is off for its own (autocommitted) transaction: after a crash of the
// server the write may be missing. Only for writes whose loss is harmless.
// Inside a session::transaction it is an ordinary put (it joins it).
std::int64_t put_unflushed(session& session, const new_message& message, std::string_view stream_name);

}  // namespace evt::store::detail
