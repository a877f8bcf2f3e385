#pragma once

#include <evt/store/message_data.hpp>
#include <evt/store/session.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Parked messages: messages a consumer could not handle because of what
// they hold, and messages a relay could not deliver, each copied to a
// dead-letter stream with the reason, so that the consumer goes on and an
// operator can see what was refused and why, and replay it once the cause
// is fixed.
//
// The dead-letter category of a category is Eventide's compound type
// "deadLetter" (account -> account:deadLetter, account:command ->
// account:command+deadLetter); a message of stream "account:command-1" is
// parked in "account:command+deadLetter-1". The copy is of the same type,
// with the original's data as it was stored; its metadata is
//
//   {"deadLetter": {"streamName": ..., "position": ..., "globalPosition": ...,
//                   "messageId": ..., "time": ..., "metadata": "<the original's
//                   metadata JSON, as text, or null>", "by": "<who parked it>",
//                   "errorClass": ..., "error": ..., "sqlstate": ..., "attempts": N}}
//
// (the original's metadata as text: it may be what was wrong with it).
namespace evt::dead_letter {

// "<category>:deadLetter", with "+deadLetter" after a typed category.
std::string category_of(std::string_view category);
// Where a message of that stream is parked: "<dead-letter category>-<its id>"
// ("-none" for a stream without one).
std::string stream_of(std::string_view dead_letter_category, std::string_view stream_name);

// Why a message was parked.
struct reason {
  std::string by;           // the consumer's position stream, or the relay's
  std::string error_class;  // "evt::decode_error"
  std::string error;        // its message
  std::optional<std::string> sqlstate = std::nullopt;
  std::int64_t attempts = 1;
};
// The error being handled (inside a catch block).
reason reason_of_current_exception(std::string by, std::int64_t attempts);

// The copy that parks `original`.
store::new_message copy(const store::message_data& original, const reason& reason);

// A parked message, read back from its dead-letter stream.
struct parked_message {
  store::message_data dead_letter;  // the copy, as stored
  store::message_data original;     // as it was when parked (its id, stream, positions, type, data, metadata)
  dead_letter::reason reason;
};
// A decode_error when the message is not a dead letter.
parked_message read(const store::message_data& dead_letter);

// The messages parked from `category` (a consumer's or relay's category, not
// the dead-letter one), oldest first, from a global position on.
std::vector<parked_message> parked(store::session& session, std::string_view category, std::int64_t position = 1,
                                   std::int64_t batch_size = 1000);

// Writes the original again to its original stream (its type, data and
// metadata as they were; no expected version), for the consumer to handle
// once the cause is fixed. The reservation keeps a command that already took
// effect from taking effect again. Its id is derived from the dead letter's,
// so replaying one dead letter twice writes it once: the second time
// returns nothing. Otherwise the position it was written at.
std::optional<std::int64_t> replay(store::session& session, const parked_message& parked);

}  // namespace evt::dead_letter
