#pragma once

#include <evt/store/get.hpp>
#include <evt/store/session.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace evt {

// The position streams of one logical consumer, whatever the size of its
// group: alone, it records in "<category>:position[-<identifier>]"
// (Eventide's; "+position" after a typed category), as member M of a group
// in "<category>:position-<group identifier>+M", and each member records its
// member and group size with every position (evt::position_store).
//
// A member started with another group size than the one its family last
// recorded must not resume from a position recorded under the old
// partition: the messages of its new share that the old group's members
// had not reached yet would be skipped. resume() finds where it starts:
// - its own last position, if it was recorded in this configuration and
//   no other configuration recorded anything since;
// - else, if other members of the new configuration started already, the
//   lowest position their configuration started from (each member records
//   it with every position: {"consumerGroupStart": N});
// - else the lowest position any member of the configuration before
//   recorded last (for a member of that configuration that recorded
//   nothing, the position that configuration started from, or else the
//   lowest position found at all): every message before it was handled,
//   by whichever member's share it was in; the ones after it are handled
//   again where they were, which the handlers' idempotence absorbs.
// "Alone" is a configuration of its own, so a consumer alone becoming a
// group and a group becoming one consumer go the same way. Messages are
// only ever handled again, never skipped; scaling is done by stopping
// every member, then starting the new ones (README, Scaling a consumer
// group).
class position_family {
 public:
  position_family(std::string category, std::optional<std::string> identifier,
                  std::optional<std::string> group_identifier);

  // The stream a consumer records in: alone (no group), or as that member.
  std::string stream_name(const std::optional<store::consumer_group>& group) const;

  struct resumption {
    // The global position to read from (the last message handled is
    // handled again: delivery is at least once).
    std::int64_t position = 1;
    // For a group member: the position its configuration started from.
    std::optional<std::int64_t> group_start = std::nullopt;
    // When the group changed since the family last recorded: what changed
    // and why it starts there, for the log.
    std::optional<std::string> change = std::nullopt;
  };
  // Where a consumer of the family resumes in this configuration (no
  // group: alone); nothing when the family has recorded nothing at all.
  std::optional<resumption> resume(store::session& session, const std::optional<store::consumer_group>& group) const;

  const std::string& category() const noexcept { return category_; }

 private:
  std::string member_stream(std::int64_t member) const;

  std::string category_;
  std::optional<std::string> identifier_;
  std::optional<std::string> group_identifier_;
};

}  // namespace evt
