#pragma once

#include <evt/error.hpp>
#include <evt/message/conversion.hpp>
#include <evt/message/follow.hpp>
#include <evt/store/message_data.hpp>
#include <evt/store/session.hpp>
#include <evt/telemetry/counter.hpp>
#include <evt/write/writer.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace evt {

// The reservation pattern (SPEC 1): a command handler runs each logical
// command once, however often it was issued, by first copying the command
// into a stream of its own category named after the command's idempotence
// key, which only the first copy can create. Inside a handler block:
//
//   reservation(deposit, &Deposit::deposit_id, [&](const Deposit& reserved) {
//     ...  // runs once per deposit_id, with the reserved copy
//   });
//
// or, keyed within an entity (below):
//
//   reservation(deposit, &Deposit::deposit_id, evt::reservation::within{command_stream},
//               [&](const Deposit& reserved) { ... });
//
// - A reserved copy runs the block with it; nothing is written. A message is
//   a reserved copy only when it was read from its own reservation stream,
//   at position 0: its local property "reserved" is set, and its stream is
//   the reservation stream of the stream it was copied from (its causation
//   stream) and its key. A marker anywhere else is not trusted: that
//   message is reserved like any other.
// - Within an entity (`within{origin}`, origin: the entity's own command
//   stream, account:command-<account id>), the reservation stream is named
//   after the origin, not after the stream the message came from, so that
//   a command is one thing however it arrived: written to another stream of
//   the entity (account:command-<account id>+other), copied, re-issued by an
//   operator. The first message at position 0 of "<origin>+<key>" is that
//   command's one reservation, marked or not (a command written straight
//   into it is the first of its identity): the block runs with it.
// - A marked message later in its reservation stream runs the block when
//   it is the replay of a copy parked from that stream
//   (evt::dead_letter::replay: its local property replayOf names the dead
//   letter, and its id is the letter's replay id), with itself: its own
//   global position is its sequence, so the handler's sequence check
//   neither takes it for the parked copy (which never took effect) nor
//   swallows it behind commands of the account that took effect since. A
//   dead letter is replayed once. Any other marked message there (written
//   by hand or by a hostile client, to run a command twice) is refused with
//   a duplicate_reservation_error: parked, and never replayable.
// - Any other message is copied, its local property "reserved" set to the
//   original's message id (the key when it has none, never null), and
//   written with write.initial to "<origin category>-<origin ids>+<key>"
//   (account:command-1 and key d1: account:command-1+d1; the cardinal id
//   stays the origin's, so consumer group members see the copy where they
//   saw the original). The copy's data is the original's as it was stored,
//   value for value, keys the C++ type does not declare included; its
//   metadata follows the original's (a fresh id, causation from the
//   original, correlation, reply and properties kept). The block does not
//   run: it runs when the copy comes back.
// - If that stream exists already, the command was reserved before: it is
//   logged as ignored (info) and nothing else happens, when the stream's
//   first message is of the command's type. Of another type (a Withdraw
//   with a Deposit's key), the key belongs to another command: a
//   reservation_error (the message is parked; one key, one command). Other
//   errors propagate. Inside a transaction on its session (a consumer's
//   batch, evt::consumer::commits::per_batch) it looks for the stream
//   before writing, so that a duplicate does not roll the batch back.
//
// Keys: a missing or blank key, one longer than max_idempotence_key_size
// (255 bytes, so that the stream name fits Message DB's index), or one
// containing '+' (it would add ids to the stream name: "a+b" and key "b"
// of origin "a" would collide) or a NUL, is refused with a
// reservation_error before anything is written (a reserved copy, which
// was reserved already, runs whatever its key). Keys are used as
// they are otherwise ('-' and ':' are fine after the first '-').
//
// reservation::build(session) writes to the store. reservation::substitute()
// is the test double handlers use: the same rules and checks, writing to a
// substitute writer (write(): what it wrote; it keeps versions, so a key
// reserved twice is ignored the second time, as in the store). It remembers
// the last message and key, and after set_reserved() takes every message
// for its reserved copy and runs the block (after the checks an original
// gets: its key, its stream name). There is no default reservation: one
// that was never built cannot pass for one that writes.
class reservation {
 public:
  enum class outcome { handled, reserved, ignored };

  // What it did, for tests and metrics (read from any thread; the
  // handler's thread counts).
  struct counts {
    telemetry::counter reserved;  // copies written
    telemetry::counter ignored;   // copies that existed already
    telemetry::counter handled;   // blocks run (to their end) with a reserved message
  };

  static reservation build(store::session& session);
  static reservation substitute();
  // Reserves in the store from now on (an evt::dependency's configure);
  // the log sink stays.
  void configure(store::session& session);

  // Reserves in the stream named after `origin`, the entity's own command
  // stream (account:command-<account id>), whichever stream the message
  // was read from: a command is one thing, however it arrived (below).
  struct within {
    std::string_view origin;
  };

  template <evt::message M, class Field, class Block>
  outcome operator()(const M& message, Field M::*key, Block&& block) {
    return call(message, key_text(message.*key), key, std::nullopt, std::forward<Block>(block));
  }
  template <evt::message M, class Field, class Block>
  outcome operator()(const M& message, Field M::*key, within within, Block&& block) {
    return call(message, key_text(message.*key), key, within.origin, std::forward<Block>(block));
  }
  template <evt::message M, class Block>
  outcome operator()(const M& message, std::optional<std::string_view> idempotence_key, Block&& block) {
    return call(message, idempotence_key, nullptr, std::nullopt, std::forward<Block>(block));
  }
  template <evt::message M, class Block>
  outcome operator()(const M& message, std::optional<std::string_view> idempotence_key, within within, Block&& block) {
    return call(message, idempotence_key, nullptr, within.origin, std::forward<Block>(block));
  }

  // The reservation stream of a message from `origin` with this key.
  static std::string stream_name(std::string_view origin, std::string_view idempotence_key);
  // Whether a message read from the store is the reserved copy of this key
  // (see above: at position 0 of its own reservation stream; marked, unless
  // reserved within an origin).
  static bool is_reserved(const evt::metadata& metadata, std::string_view idempotence_key,
                          std::optional<std::string_view> origin = std::nullopt);
  static constexpr const char* local_property = "reserved";
  // Whether a message as read carries the marker (set, and neither null
  // nor false): a reserved copy, a replay of one, or a marker someone else
  // wrote (which the rules above do not trust). For a component that hands
  // reserved copies to a consumer of their own (README, Concurrency).
  static bool marked(const store::message_data& message);

  // Info lines ("Reserved Deposit 7, Idempotence Key: d1", "Deposit 7
  // ignored, output stream account:command-1+d1 exists", "Handled reserved
  // message Deposit 9"); quiet without a sink.
  void set_log(std::function<void(const std::string&)> log) { log_ = std::move(log); }
  const counts& telemetry() const noexcept { return counts_; }
  writer& write() noexcept { return write_; }
  bool is_substitute() const noexcept { return substitute_; }

  // Why a key cannot be used (missing, blank, too long, with '+' or NUL), or nothing.
  static std::optional<std::string> key_problem(std::optional<std::string_view> idempotence_key);

  // Substitute only (an evt::error on a reservation that is not one, where
  // they could only mislead): every message is its reserved copy from now
  // on; what the last call was given.
  void set_reserved() {
    require_substitute("set_reserved");
    set_reserved_ = true;
  }
  template <evt::message M>
  bool message(const M& message) const {
    require_substitute("message");
    return last_type_ == M::message_type && last_data_ == export_message(message).data;
  }
  bool idempotence_key(std::string_view key) const {
    require_substitute("idempotence_key");
    return last_key_ == key;
  }

 private:
  // What the log lines and errors say of a message.
  struct describe {
    std::string type;
    const evt::metadata& metadata;
  };

  // KeyOf: the key's field (a pointer to member), to read the key of another
  // message of type M (the first in an existing reservation stream), or
  // nullptr when only the key is known.
  template <evt::message M, class KeyOf, class Block>
  outcome call(const M& message, std::optional<std::string_view> idempotence_key, const KeyOf& key_of,
               std::optional<std::string_view> origin, Block&& block) {
    static_assert(std::is_invocable_v<Block&, const M&>, "evt::reservation: the block must take the message (const M&)");
    const describe described{std::string{M::message_type}, message.metadata};
    if (substitute_) {
      last_type_ = std::string{M::message_type};
      last_data_ = export_message(message).data;
      last_key_ = idempotence_key ? std::optional<std::string>{*idempotence_key} : std::nullopt;
      if (set_reserved_) {
        check_key(described, idempotence_key);
        stream_name(described, *idempotence_key, origin);
        block(message);
        return handled(described);
      }
    }
    // A copy was reserved already, whatever its key (a Ruby service's may
    // hold '+'): only a new reservation needs a usable one.
    const auto key = idempotence_key.value_or(std::string_view{});
    switch (idempotence_key ? standing_of(message.metadata, key, origin) : standing::original) {
      case standing::reserved_copy:
        block(message);
        return handled(described);
      case standing::later_in_reservation_stream:
        check_replay(described);
        block(message);
        return handled(described);
      case standing::original:
        break;
    }
    check_key(described, idempotence_key);
    const auto data = data_of(message);
    const auto stream = stream_name(described, key, origin);
    const auto reserved_before = [&](const std::optional<store::message_data>& first) {
      if (first) check_same_command<M>(described, *first, key, key_of);
      return ignored(described, stream);
    };
    // Inside a transaction (a consumer's batch) the write failing would
    // roll all of it back: the stream is looked for first. Once the batch
    // has written to the category, Message DB's category lock holds the
    // answer until the commit; before, another writer may still create the
    // stream, and the write fails as it would anyway.
    if (in_transaction()) {
      if (auto first = first_in(stream)) return reserved_before(first);
    }
    try {
      write_(copy_of(described, data, key), stream, no_stream);
    } catch (const expected_version_error&) {
      return reserved_before(first_in(stream));
    }
    return reserved(described, key);
  }

  // The reservation stream exists: the command is a duplicate only when the
  // first message there is a command of its type and key, and was not
  // refused for itself (below). Otherwise the key is not this command's to
  // take, and it is refused (a reservation_error: parked, with the reason)
  // rather than dropped as a duplicate.
  template <evt::message M, class KeyOf>
  void check_same_command(const describe& message, const store::message_data& first, std::string_view key,
                          const KeyOf& key_of) {
    if (first.type != message.type) refuse_taken(message, first, "holds a " + first.type);
    if constexpr (!std::is_null_pointer_v<KeyOf>) {
      std::optional<std::string_view> first_key;
      std::optional<M> decoded;
      try {
        decoded.emplace(import_message<M>(first));
        first_key = key_text((*decoded).*key_of);
      } catch (const decode_error&) {
      }
      if (first_key != key) refuse_taken(message, first, "holds a " + first.type + " of another key");
    }
    check_first_not_refused(message, first);
  }

  static std::optional<std::string_view> key_text(const std::string& key) { return key; }
  static std::optional<std::string_view> key_text(const std::optional<std::string>& key) {
    if (!key) return std::nullopt;
    return std::string_view{*key};
  }
  template <class Other>
  static std::optional<std::string_view> key_text(const Other&) {
    static_assert(sizeof(Other) == 0, "evt::reservation: the idempotence key must be a std::string or std::optional<std::string> field");
    return std::nullopt;
  }
  // The data as stored while the message still says the same; its own
  // otherwise (made in memory, or changed by its handler).
  template <evt::message M>
  static std::optional<std::string> data_of(const M& message) {
    if (message.metadata.stored_data) {
      try {
        const store::message_data row{.type = std::string{M::message_type}, .data = message.metadata.stored_data};
        if (same_data(import_message<M>(row), message)) return message.metadata.stored_data;
      } catch (const decode_error&) {
      }
    }
    return export_message(message).data;
  }

  enum class standing { original, reserved_copy, later_in_reservation_stream };
  static standing standing_of(const evt::metadata& metadata, std::string_view idempotence_key,
                              std::optional<std::string_view> origin);
  static void check_key(const describe& message, std::optional<std::string_view> idempotence_key);
  static std::string stream_name(const describe& message, std::string_view idempotence_key,
                                 std::optional<std::string_view> origin);
  // The first message of an existing reservation stream (nothing for a
  // substitute that did not write it).
  std::optional<store::message_data> first_in(const std::string& stream) const;
  bool in_transaction() const noexcept { return session_ != nullptr && session_->in_transaction(); }
  [[noreturn]] static void refuse_taken(const describe& message, const store::message_data& first,
                                        const std::string& why);
  // A first message written straight into its reservation stream (not a
  // reserved copy) that its consumer parked spends the key without taking
  // effect: a command of that key is refused, saying so, not ignored.
  void check_first_not_refused(const describe& message, const store::message_data& first) const;
  static store::new_message copy_of(const describe& original, const std::optional<std::string>& data,
                                    std::string_view idempotence_key);
  // A duplicate_reservation_error unless the message is the replay of a
  // copy parked from its stream (its local property replayOf names the
  // dead letter; one lookup).
  void check_replay(const describe& message);
  outcome handled(const describe& message);
  outcome reserved(const describe& message, std::string_view idempotence_key);
  outcome ignored(const describe& message, const std::string& stream);
  void require_substitute(const char* what) const;
  void log(const std::string& line) const {
    if (log_) log_(line);
  }

  reservation() = default;

  writer write_ = writer::substitute();
  store::session* session_ = nullptr;
  std::function<void(const std::string&)> log_;
  counts counts_{};
  bool substitute_ = false;
  bool set_reserved_ = false;
  std::optional<std::string> last_type_;
  std::optional<std::string> last_data_;
  std::optional<std::string> last_key_;
};

}  // namespace evt
