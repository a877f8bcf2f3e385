#pragma once

#include <evt/error.hpp>
#include <evt/message/conversion.hpp>
#include <evt/message/follow.hpp>
#include <evt/store/session.hpp>
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
// - A message whose local property "reserved" is set (the copy, read back
//   from the store) runs the block with it; nothing is written.
// - Any other message is copied with follow (a fresh id, causation from the
//   original, correlation, reply and properties kept), its local property
//   "reserved" set to the original's message id (the key when it has none,
//   never null), and written with write.initial to
//   "<origin category>-<origin ids>+<key>" (account:command-1 and key d1:
//   account:command-1+d1; the cardinal id stays the origin's, so consumer
//   group members see the copy where they saw the original). The block
//   does not run: it runs when the copy comes back.
// - If that stream exists already, the command was reserved before: it is
//   logged as ignored (info) and nothing else happens. Other errors
//   propagate.
//
// Keys: a missing or blank key, or one containing '+' (it would add ids to
// the stream name: "a+b" and key "b" of origin "a" would collide) or a NUL,
// is refused with a reservation_error; nothing is written. Keys are used as
// they are otherwise ('-' and ':' are fine after the first '-').
//
// The copy holds the fields of the C++ type M: data of the original that M
// does not declare is not copied.
//
// A default-constructed reservation writes to a substitute writer (see
// write()); reservation::build(session) writes to the store.
// reservation::substitute() is the test double handlers use: it writes
// nothing, remembers the last message and key, and runs the block only after
// set_reserved().
class reservation {
 public:
  enum class outcome { handled, reserved, ignored };

  struct counts {
    std::int64_t reserved = 0;  // copies written
    std::int64_t ignored = 0;   // copies that existed already
    std::int64_t handled = 0;   // blocks run with a reserved message
  };

  reservation() = default;
  static reservation build(store::session& session);
  static reservation substitute();

  template <evt::message M, class Field, class Block>
  outcome operator()(const M& message, Field M::*key, Block&& block) {
    return (*this)(message, key_text(message.*key), std::forward<Block>(block));
  }

  template <evt::message M, class Block>
  outcome operator()(const M& message, std::optional<std::string_view> idempotence_key, Block&& block) {
    static_assert(std::is_invocable_v<Block&, const M&>, "evt::reservation: the block must take the message (const M&)");
    const describe described{std::string{M::message_type}, message.metadata};
    if (substitute_) {
      check_key(described, idempotence_key);
      last_type_ = std::string{M::message_type};
      last_data_ = export_message(message).data;
      last_key_ = idempotence_key ? std::optional<std::string>{*idempotence_key} : std::nullopt;
      if (!set_reserved_) return outcome::reserved;
      block(message);
      return outcome::handled;
    }
    if (is_reserved(message.metadata)) {  // the copy, back from the store: its key was fine then
      block(message);
      return handled(described);
    }
    check_key(described, idempotence_key);
    const auto stream = stream_name(described, *idempotence_key);
    auto copy = follow<M>(message);
    copy.metadata.set_local_property(local_property, marker(message.metadata, *idempotence_key));
    try {
      write_.initial(copy, stream);
    } catch (const expected_version_error&) {
      return ignored(described, stream);
    }
    return reserved(described, *idempotence_key);
  }

  // The reservation stream of a message from `origin` with this key.
  static std::string stream_name(std::string_view origin, std::string_view idempotence_key);
  // The local property that marks a reserved copy: set, and neither null nor false.
  static bool is_reserved(const evt::metadata& metadata);
  static constexpr const char* local_property = "reserved";

  // Info lines ("Reserved Deposit 7, Idempotence Key: d1", "Deposit 7
  // ignored, output stream account:command-1+d1 exists", "Handled reserved
  // message Deposit 9"); quiet without a sink.
  void set_log(std::function<void(const std::string&)> log) { log_ = std::move(log); }
  const counts& telemetry() const noexcept { return counts_; }
  writer& write() noexcept { return write_; }

  // Why a key cannot be used (missing, blank, with '+' or NUL), or nothing.
  static std::optional<std::string> key_problem(std::optional<std::string_view> idempotence_key);

  // Substitute only (an evt::error on a reservation that is not one, where
  // they could only mislead): run blocks from now on; what the last call was given.
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
  static void check_key(const describe& message, std::optional<std::string_view> idempotence_key);
  static std::string stream_name(const describe& message, std::string_view idempotence_key);
  static std::string marker(const evt::metadata& original, std::string_view idempotence_key);
  outcome handled(const describe& message);
  outcome reserved(const describe& message, std::string_view idempotence_key);
  outcome ignored(const describe& message, const std::string& stream);
  void require_substitute(const char* what) const;
  void log(const std::string& line) const {
    if (log_) log_(line);
  }

  writer write_{};
  std::function<void(const std::string&)> log_;
  counts counts_{};
  bool substitute_ = false;
  bool set_reserved_ = false;
  std::optional<std::string> last_type_;
  std::optional<std::string> last_data_;
  std::optional<std::string> last_key_;
};

}  // namespace evt
