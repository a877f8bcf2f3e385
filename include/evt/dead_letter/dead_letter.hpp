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
// parked in "account:command+deadLetter-1" (an id longer than 255 bytes
// is replaced by its name-based UUID, so that the name fits the index). The
// copy is of the same type (one without a type: DeadLetter), with the
// original's data as it was stored; its metadata is
//
//   {"deadLetter": {"streamName": ..., "position": ..., "globalPosition": ...,
//                   "messageId": ..., "type": ..., "time": ..., "metadata":
//                   "<the original's metadata JSON, as text, or null>",
//                   "parker": "consumer|projector|relay", "by": "<its position
//                   stream>", "errorClass": ..., "error": ..., "sqlstate": ...,
//                   "attempts": N, "replayable": true|false}}
//
// (the original's metadata as text: it may be what was wrong with it). A
// consumer's letter has an id derived from the consumer and the message
// (letter_id), so a message parked again (delivered again after a restart
// or a change of group size) is recognised by the store's unique index of
// ids and parked once. A message refused as a duplicate of a reserved
// command (duplicate_reservation_error) is parked as not replayable.
// Dead letters a relay wrote before parking was shared (the original's
// metadata plus {"deadLetter": {..., "relay": name}}) read too.
namespace evt::dead_letter {

// "<category>:deadLetter", with "+deadLetter" after a typed category.
std::string category_of(std::string_view category);
// Where a message of that stream is parked: "<dead-letter category>-<its id>"
// ("-none" for a stream without one).
std::string stream_of(std::string_view dead_letter_category, std::string_view stream_name);

// Who parks: a consumer handling commands (or any messages), a projector
// applying events, a relay delivering them.
enum class parker { consumer, projector, relay };

// Why a message was parked.
struct reason {
  dead_letter::parker parker = dead_letter::parker::consumer;
  std::string by;           // the parker's position stream
  std::string error_class;  // "evt::decode_error"
  std::string error;        // its message
  std::optional<std::string> sqlstate = std::nullopt;
  std::int64_t attempts = 1;
  // False for a message refused because it repeats a command that was
  // reserved already: a replay could only apply it twice.
  bool replayable = true;
};
// The error being handled (inside a catch block).
reason reason_of_current_exception(dead_letter::parker parker, std::string by, std::int64_t attempts);

// The copy that parks `original` (with a random id unless given one).
store::new_message copy(const store::message_data& original, const reason& reason,
                        std::optional<std::string> id = std::nullopt);
// The id of the letter with which `parker` (a consumer's name, the same
// for every member of its group and every group size) parks `original`:
// the same each time it parks that message.
std::string letter_id(std::string_view parker, const store::message_data& original);
// Whether the message with this id is a dead letter of `original` (a letter
// id found taken may have been taken by another writer).
bool is_letter_of(store::session& session, std::string_view id, const store::message_data& original);

// A parked message, read back from its dead-letter stream.
struct parked_message {
  store::message_data dead_letter;  // the copy, as stored
  store::message_data original;     // as it was when parked (its id, stream, positions, type, data, metadata)
  dead_letter::reason reason;
};
// A decode_error when the message is not a dead letter.
parked_message read(const store::message_data& dead_letter);

// The messages parked from `category` (a consumer's or relay's category, not
// the dead-letter one), oldest first, from a global position on: at most
// batch_size of them (the next batch starts after the last one's
// dead_letter.global_position).
std::vector<parked_message> parked(store::session& session, std::string_view category, std::int64_t position = 1,
                                   std::int64_t batch_size = 1000);

// Writes a message a consumer parked again to its original stream (its type,
// data and metadata as they were, but for the local property "replayOf":
// the dead letter's id; no expected version), for the consumer to handle
// once the cause is fixed. The reservation keeps a command that already
// took effect from taking effect again, and lets a replayed reserved copy
// take effect once (see evt::reservation: it finds the letter by replayOf).
// Its id is derived from the dead letter's (replay_id), so replaying one
// dead letter twice writes it once: the second time returns nothing.
// Otherwise the position it was written at.
//
// Refused (an evt::error saying why): a message parked as not replayable
// (a duplicate of a reserved command: replayed, it could only take effect
// twice); events a projector parked, and messages a relay parked: written
// again, an event would be in its entity's stream twice (rebuild the
// projector once the cause is fixed), a relayed message delivered as
// another one.
std::optional<std::int64_t> replay(store::session& session, const parked_message& parked);
// The id a replay of that dead letter is written with.
std::string replay_id(const store::message_data& dead_letter);
// The local property naming the dead letter a replay was written from, as
// evt::metadata holds it ("replayOf" as stored, camel-cased like every key).
inline constexpr const char* replay_of_property = "replay_of";
// The dead letter `letter_id` (a replayed message's replayOf) when the
// message with `message_id` in `stream_name` is its replay: the letter
// exists, a consumer parked it from that stream, it may be replayed, and
// the message has its replay id. Nothing otherwise. One lookup by id.
std::optional<parked_message> replayed_letter(store::session& session, std::string_view letter_id,
                                              std::string_view message_id, std::string_view stream_name);

}  // namespace evt::dead_letter
