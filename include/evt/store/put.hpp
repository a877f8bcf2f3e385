#pragma once

#include <evt/expected_version.hpp>
#include <evt/store/message_data.hpp>
#include <evt/store/session.hpp>

#include <cstdint>
#include <span>
#include <string_view>

// Writing raw messages: write_message, one call per message, checked against
// the expected version. Errors: expected_version_error (nothing written),
// duplicate_message_id_error, store_error; connection_error when the
// connection was lost (the outcome is then unknown).
namespace evt::store {

// Returns the message's position in the stream.
std::int64_t put(session& session, const new_message& message, std::string_view stream_name,
                 expected_version expected = {});
std::int64_t put(transaction& transaction, const new_message& message, std::string_view stream_name,
                 expected_version expected = {});

// A batch for one stream, atomic and in one round trip: the expected version
// is checked for the first message and chained for the rest (V, V+1, ...).
// Returns the last message's position. An empty batch is an error.
std::int64_t put(session& session, std::span<const new_message> batch, std::string_view stream_name,
                 expected_version expected = {});
std::int64_t put(transaction& transaction, std::span<const new_message> batch, std::string_view stream_name,
                 expected_version expected = {});

// A write committed without waiting for the WAL flush (synchronous_commit
// off for its own autocommitted transaction), without an expected version:
// after a crash of the server it may be missing, never half-written. For
// writes that are cheaper to redo than to wait for (about 3x cheaper with
// fsync on), like a consumer's recorded position. Inside a
// session::transaction it is an ordinary put: it joins the transaction,
// whose commit decides.
std::int64_t put_unflushed(session& session, const new_message& message, std::string_view stream_name);

}  // namespace evt::store
