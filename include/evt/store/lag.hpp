#pragma once

#include <evt/store/get.hpp>
#include <evt/store/message_data.hpp>
#include <evt/store/session.hpp>

#include <cstdint>
#include <optional>
#include <string_view>

namespace evt::store {

// How far a reader of a category is behind: the messages written after the
// last one it handled (only its share, for a consumer group member: the
// streams whose cardinal id hashes to it, as get_category's consumer group
// reads them), and when the first of them was written.
struct lag {
  std::int64_t messages = 0;
  std::optional<time_point> oldest_time = std::nullopt;  // as message_data::time; none when messages is 0
};

// `position`: the global position of the last handled message (0: none yet).
// A category, not a stream name (stream_name_error otherwise), and a
// consistent consumer group (consumer_group_error otherwise). One query, an
// index scan of the category's messages after the position.
store::lag category_lag(session& session, std::string_view category, std::int64_t position,
                        std::optional<consumer_group> group = std::nullopt);

// The global position of the category's last message; nothing when it has
// none. One step of an index scan (messages_category), backwards.
std::optional<std::int64_t> category_head(session& session, std::string_view category);

}  // namespace evt::store
