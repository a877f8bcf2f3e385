#include "cli/categories.hpp"

#include <evt/stream_name.hpp>

#include <algorithm>

namespace evt::cli {
namespace {

// A loose index scan: the smallest category, then the smallest after it,
// and so on.
constexpr const char* categories_sql =
    "WITH RECURSIVE found(category) AS ("
    " SELECT min(message_store.category(stream_name)) FROM message_store.messages"
    " UNION ALL"
    " SELECT (SELECT min(message_store.category(stream_name)) FROM message_store.messages"
    "         WHERE message_store.category(stream_name) > found.category)"
    " FROM found WHERE found.category IS NOT NULL)"
    " SELECT category FROM found WHERE category IS NOT NULL";

constexpr const char* streams_sql =
    "SELECT DISTINCT stream_name FROM message_store.messages"
    " WHERE message_store.category(stream_name) = $1::varchar ORDER BY stream_name";

std::vector<std::string> first_column(store::session& session, const char* sql,
                                      std::initializer_list<store::transaction::parameter> parameters) {
  std::vector<std::string> values;
  session.transaction([&](store::transaction& t) {
    for (const auto& row : t.query(sql, parameters)) values.push_back(row.at(0).value_or(""));
  });
  return values;
}

}  // namespace

std::vector<std::string> categories(store::session& session) { return first_column(session, categories_sql, {}); }

std::vector<std::string> stream_names(store::session& session, std::string_view category) {
  return first_column(session, streams_sql, {std::string{category}});
}

bool has_type(std::string_view category, std::string_view type) {
  const auto types = category_types(category);
  return std::find(types.begin(), types.end(), type) != types.end();
}

std::string without_type(std::string_view category, std::string_view type) {
  auto types = category_types(category);
  std::erase(types, type);
  return category_stream_name(entity_name(category), types);
}

}  // namespace evt::cli
