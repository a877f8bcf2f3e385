#include <evt/store/lag.hpp>

#include "store/connection.hpp"
#include "store/rows.hpp"
#include "store/sql_text.hpp"

namespace evt::store {
namespace {

// Every row after the position, in the messages_category index's order
// (category, global position): the window counts them all, the first row
// gives the oldest one's time. The member's share is Message DB's own rule
// (get_category_messages'). A plain parameterised statement, not a prepared
// one: an operator's occasional question, and safe behind a transaction
// pooler.
constexpr const char* lag_sql =
    "SELECT count(*) OVER (), time FROM message_store.messages"
    " WHERE message_store.category(stream_name) = $1::varchar AND global_position > $2::bigint"
    " AND ($4::bigint IS NULL"
    " OR @message_store.hash_64(message_store.cardinal_id(stream_name)) % $4::bigint = $3::bigint)"
    " ORDER BY global_position LIMIT 1";

constexpr const char* head_name = "evt_category_head";
constexpr const char* head_sql =
    "SELECT max(global_position) FROM message_store.messages WHERE message_store.category(stream_name) = $1::varchar";

}  // namespace

std::optional<std::int64_t> category_head(session& session, std::string_view category) {
  detail::check_category(category);
  auto& connection = detail::access::of(session);
  const detail::operation operation{.name = "category head", .stream_name = category};
  return connection.run(operation, [&](pqxx::transaction_base& statements) -> std::optional<std::int64_t> {
    const auto rows = connection.execute(statements, head_name, head_sql, std::string{category});
    if (rows[0][0].is_null()) return std::nullopt;
    return rows[0][0].as<std::int64_t>();
  });
}

store::lag category_lag(session& session, std::string_view category, std::int64_t position,
                        std::optional<consumer_group> group) {
  detail::check_category(category);
  detail::check_group(group);
  const auto member = detail::number_or_null(group ? std::optional{group->member} : std::nullopt);
  const auto size = detail::number_or_null(group ? std::optional{group->size} : std::nullopt);
  auto& connection = detail::access::of(session);
  const detail::operation operation{.name = "category lag", .stream_name = category};
  return connection.run(operation, [&](pqxx::transaction_base& statements) {
    const auto rows = statements.exec_params(lag_sql, std::string{category}, position, detail::text_or_null(member),
                                             detail::text_or_null(size));
    store::lag found;
    if (rows.empty()) return found;
    found.messages = rows[0][0].as<std::int64_t>();
    found.oldest_time = detail::parse_time(rows[0][1].c_str());
    return found;
  });
}

}  // namespace evt::store
