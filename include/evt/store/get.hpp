#pragma once

#include <evt/store/message_data.hpp>
#include <evt/store/session.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

// Reading raw messages, a batch at a time. Stream positions start at 0 and
// are contiguous; global positions start at 1 and have gaps, so the next
// batch starts at the last position + 1 and asks for ">=".
namespace evt::store {

struct stream_batch {
  std::int64_t position = 0;
  std::int64_t batch_size = 1000;  // -1: no limit
  std::optional<std::string> condition = std::nullopt;  // raw SQL; needs settings::sql_condition
};

struct consumer_group {
  std::int64_t member = 0;
  std::int64_t size = 1;
};

struct category_batch {
  std::int64_t position = 1;
  std::int64_t batch_size = 1000;  // -1: no limit
  std::optional<std::string> correlation = std::nullopt;  // a category
  std::optional<store::consumer_group> consumer_group = std::nullopt;
  std::optional<std::string> condition = std::nullopt;
};

// A stream name, not a category (stream_name_error otherwise).
std::vector<message_data> get_stream(session& session, std::string_view stream_name, const stream_batch& batch = {});
// A category, not a stream name (stream_name_error otherwise); the correlation
// must be a category too, and the consumer group consistent
// (consumer_group_error otherwise).
std::vector<message_data> get_category(session& session, std::string_view category,
                                       const category_batch& batch = {});

// The stream's last message, or only of the given type.
std::optional<message_data> get_last(session& session, std::string_view stream_name,
                                     std::optional<std::string_view> type = std::nullopt);

// The last message of each stream (or only of the given type), in one round
// trip: found[i] is streams[i]'s, nothing when it has none.
std::vector<std::optional<message_data>> get_last(session& session, std::span<const std::string> stream_names,
                                                  std::optional<std::string_view> type = std::nullopt);

// The message with this id, wherever it is (one lookup in the store's
// unique index of ids), or nothing.
std::optional<message_data> get_message(session& session, std::string_view id);

// The position of the stream's last message; nullopt when it has none.
std::optional<std::int64_t> stream_version(session& session, std::string_view stream_name);

}  // namespace evt::store
