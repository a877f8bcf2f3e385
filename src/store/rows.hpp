#pragma once

// Internal: batches as libpqxx results, for get() and read().
#include <evt/store/get.hpp>

#include <pqxx/pqxx>

#include <string_view>

namespace evt::store::detail {

pqxx::result get_rows(session& session, std::string_view stream_name, const stream_batch& batch);
pqxx::result get_rows(session& session, std::string_view category, const category_batch& batch);

// Fills `message` from a row of message_store.message.
void assign(message_data& message, const pqxx::row& row);

}  // namespace evt::store::detail
