#pragma once

#include <evt/store/get.hpp>
#include <evt/store/message_data.hpp>
#include <evt/store/session.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace evt {

// Where a consumer records how far it has read (SPEC 5): a stream of
// Recorded {"position": N} messages, named as Eventide names it:
// "account:command" -> "account:command+position", "accountTransaction" ->
// "accountTransaction:position", with an identifier "...:position-<identifier>".
//
// A consumer group member's position also says which share of the category
// it reads, in the metadata's local properties (never followed; Eventide's
// readers of the stream look at the data only):
// {"localProperties": {"consumerGroupMember": 1, "consumerGroupSize": 2,
// "consumerGroupStart": 381}}, so that an operator's tool can count what the
// member has left to read, and a member of a group of another size knows
// where to start (evt::position_family): consumerGroupStart is the position
// the group of that size started from.
class position_store {
 public:
  position_store(store::session& session, std::string stream_name,
                 std::optional<store::consumer_group> group = std::nullopt)
      : session_{&session}, stream_name_{std::move(stream_name)}, group_{group} {}

  // Where the member's group started, recorded with each position from now on.
  void set_group_start(std::optional<std::int64_t> start) noexcept { group_start_ = start; }

  static std::string stream_name(std::string_view category, std::optional<std::string_view> identifier = {});
  // The message that records a position: Recorded {"position": N}, as
  // Eventide writes it (projectors and relays record theirs so too).
  static store::new_message recorded(std::int64_t position, std::optional<store::consumer_group> group = std::nullopt,
                                     std::optional<std::int64_t> group_start = std::nullopt);

  // A Recorded message read back: a decode_error when it is not one.
  struct record {
    std::int64_t position = 0;
    std::optional<store::consumer_group> group = std::nullopt;  // when the writer recorded it
    std::optional<std::int64_t> group_start = std::nullopt;     // likewise
  };
  static record read(const store::message_data& recorded);

  std::optional<std::int64_t> get();
  void put(std::int64_t position);
  // The same message, for a transaction of the caller's.
  store::new_message recorded_message(std::int64_t position) const { return recorded(position, group_, group_start_); }

  const std::string& stream_name() const noexcept { return stream_name_; }

 private:
  store::session* session_;
  std::string stream_name_;
  std::optional<store::consumer_group> group_;
  std::optional<std::int64_t> group_start_;
};

}  // namespace evt
