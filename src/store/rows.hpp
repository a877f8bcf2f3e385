#pragma once

// Internal: batches as libpqxx results, for get() and read(); what reads share.
#include <evt/store/get.hpp>

#include <pqxx/pqxx>

#include <optional>
#include <string_view>

namespace evt::store::detail {

pqxx::result get_rows(session& session, std::string_view stream_name, const stream_batch& batch);
pqxx::result get_rows(session& session, std::string_view category, const category_batch& batch);

// Fills `message` from a row of message_store.message.
void assign(message_data& message, const pqxx::row& row);
// A message's time as the server writes it (timestamp without time zone, UTC).
time_point parse_time(std::string_view text);

// The checks of a category read's arguments, made before anything is sent:
// stream_name_error, consumer_group_error.
void check_category(std::string_view category);
void check_group(const std::optional<consumer_group>& group);

}  // namespace evt::store::detail
