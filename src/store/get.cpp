#include <evt/store/get.hpp>

#include <evt/error.hpp>
#include <evt/stream_name.hpp>

#include "store/connection.hpp"
#include "store/rows.hpp"
#include "store/sql_text.hpp"

#include <algorithm>
#include <charconv>
#include <string>

namespace evt::store {
namespace {

struct statement {
  const char* name;
  const char* sql;
};

// A read with a condition, allowed by settings::sql_condition, turns
// message_store.sql_condition on for itself only (SET LOCAL in a savepoint),
// after making the session's value 'off' in a transaction that commits
// whatever the read does: Message DB takes '' (what a SET LOCAL leaves once
// it ends) for "on", and a server connection a pooler lends to others next
// must not let them. See read_with_condition.
constexpr const char* condition_off_sql = "SELECT set_config('message_store.sql_condition', 'off', false)";
constexpr const char* condition_on_sql = "SELECT set_config('message_store.sql_condition', 'on', true)";
constexpr statement stream_read{
    "evt_get_stream_messages",
    "SELECT * FROM message_store.get_stream_messages($1::varchar, $2::bigint, $3::bigint, $4::varchar)"};
constexpr statement category_read{
    "evt_get_category_messages",
    "SELECT * FROM message_store.get_category_messages($1::varchar, $2::bigint, $3::bigint, $4::varchar,"
    " $5::bigint, $6::bigint, $7::varchar)"};
// Without the type argument when there is none: Message DB before 1.3 has
// only the one-argument form.
constexpr const char* last_name = "evt_get_last_stream_message";
constexpr const char* last_sql = "SELECT * FROM message_store.get_last_stream_message($1::varchar)";
constexpr const char* last_of_type_name = "evt_get_last_stream_message_of_type";
constexpr const char* last_of_type_sql =
    "SELECT * FROM message_store.get_last_stream_message($1::varchar, $2::varchar)";
// Each stream's last message, by Message DB's own function, in one statement.
constexpr const char* last_of_each_name = "evt_get_last_of_each";
constexpr const char* last_of_each_sql =
    "SELECT m.* FROM unnest($1::varchar[]) AS s (name),"
    " LATERAL message_store.get_last_stream_message(s.name, $2::varchar) AS m";
// Message DB has no function for it: the table, through its unique index
// of ids (the role may read the table), in the message type's columns.
constexpr const char* by_id_name = "evt_get_message_by_id";
constexpr const char* by_id_sql =
    "SELECT id::varchar, stream_name::varchar, type::varchar, position, global_position, data::varchar,"
    " metadata::varchar, time FROM message_store.messages WHERE id = $1::uuid";
constexpr const char* version_name = "evt_stream_version";
constexpr const char* version_sql = "SELECT message_store.stream_version($1::varchar)";

// Fixed-width decimal digits; the server's output is well-formed.
constexpr int digits(std::string_view text, std::size_t from, std::size_t count) noexcept {
  int value = 0;
  for (std::size_t i = from; i < from + count; ++i) value = value * 10 + (text[i] - '0');
  return value;
}

// A column of the message_store.message type that must be a whole number:
// anything else (a schema other than Message DB's) is an error, not a 0.
std::int64_t integer(const pqxx::field& field, const message_data& message) {
  std::int64_t value = 0;
  const auto* end = field.c_str() + field.size();
  const auto [last, status] = std::from_chars(field.c_str(), end, value);
  if (field.is_null() || status != std::errc{} || last != end || field.size() == 0) {
    throw store_error{"The message store returned " + std::string{field.name()} + " " +
                          (field.is_null() ? std::string{"NULL"} : "'" + excerpt(field.c_str()) + "'") +
                          ", which is not a whole number (Stream: " + message.stream_name + ", Message ID: " +
                          message.id + ")",
                      ""};
  }
  return value;
}

void assign_text(std::optional<std::string>& target, const pqxx::field& field) {
  if (field.is_null()) {
    target.reset();
  } else if (target) {
    target->assign(field.c_str(), field.size());
  } else {
    target.emplace(field.c_str(), field.size());
  }
}

}  // namespace

// "2026-11-24 14:43:40.632554": timestamp without time zone, in UTC; the
// fraction has up to six digits and is left out when zero.
time_point detail::parse_time(std::string_view text) {
  if (text.size() < 19) throw error{"Unreadable message time: " + std::string{text}};
  const std::chrono::year_month_day date{std::chrono::year{digits(text, 0, 4)},
                                         std::chrono::month{static_cast<unsigned>(digits(text, 5, 2))},
                                         std::chrono::day{static_cast<unsigned>(digits(text, 8, 2))}};
  auto time = time_point{std::chrono::sys_days{date}} + std::chrono::hours{digits(text, 11, 2)} +
              std::chrono::minutes{digits(text, 14, 2)} + std::chrono::seconds{digits(text, 17, 2)};
  if (text.size() > 20 && text[19] == '.') {
    const auto count = std::min<std::size_t>(text.size() - 20, 6);
    auto fraction = digits(text, 20, count);
    for (auto scale = count; scale < 6; ++scale) fraction *= 10;
    time += std::chrono::microseconds{fraction};
  }
  return time;
}

// Columns in the order of the message_store.message type. Assigning into an
// existing message reuses its strings' memory (read() relies on that).
void detail::assign(message_data& message, const pqxx::row& row) {
  const pqxx::field id = row[0], stream_name = row[1], type = row[2], time = row[7];
  message.id.assign(id.c_str(), id.size());
  message.stream_name.assign(stream_name.c_str(), stream_name.size());
  message.type.assign(type.c_str(), type.size());
  message.position = integer(row[3], message);
  message.global_position = integer(row[4], message);
  assign_text(message.data, row[5]);
  assign_text(message.metadata, row[6]);
  message.time = detail::parse_time(std::string_view{time.c_str(), time.size()});
}

namespace {

std::vector<message_data> messages(const pqxx::result& rows) {
  std::vector<message_data> result(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) detail::assign(result[i], rows[static_cast<pqxx::result::size_type>(i)]);
  return result;
}

detail::operation reading(std::string_view what, std::string_view name) {
  return {.name = what, .stream_name = name};
}

}  // namespace

void detail::check_group(const std::optional<consumer_group>& group) {
  if (!group) return;
  const auto arguments = " (Consumer Group Member: " + std::to_string(group->member) +
                         ", Consumer Group Size: " + std::to_string(group->size) + ")";
  if (group->size < 1) throw consumer_group_error{"Consumer group size must not be less than 1" + arguments};
  if (group->member < 0) throw consumer_group_error{"Consumer group member must not be less than 0" + arguments};
  if (group->member >= group->size) {
    throw consumer_group_error{"Consumer group member must be less than the group size" + arguments};
  }
}

void detail::check_category(std::string_view category) {
  if (category.empty()) throw stream_name_error{"Category must not be empty"};
  if (!is_category(category)) {
    throw stream_name_error{"Must be a category (Stream Name: " + std::string{category} + ")"};
  }
}

namespace {

// One read, as one statement; with a condition the session allows, as the
// comment on condition_off_sql says. A refusal of the read (a bad condition)
// is thrown once the transaction with 'off' has committed.
template <class... Parameters>
pqxx::result read_rows(session& session, const detail::operation& operation, const statement& read, bool condition,
                       const Parameters&... parameters) {
  auto& connection = detail::access::of(session);
  if (!condition || !connection.settings.sql_condition) {
    return connection.run(operation, [&](pqxx::transaction_base& statements) {
      return connection.execute(statements, read.name, read.sql, parameters...);
    });
  }
  // Inside a transaction 'off' would commit or roll back with it, and a
  // rollback leaves '' (conditions allowed) on a connection that had none;
  // and SET LOCAL would hold until its end, not the read's.
  if (connection.transaction != nullptr) {
    throw condition_error{"A read with a condition is not taken inside a transaction (" + detail::context(operation) +
                          ")"};
  }
  std::optional<pqxx::sql_error> refused;
  auto rows = connection.run<pqxx::work>(operation, [&](pqxx::transaction_base& statements) {
    statements.exec(condition_off_sql);
    statements.exec("SAVEPOINT evt_read_with_condition");
    try {
      statements.exec(condition_on_sql);
      auto found = connection.execute(statements, read.name, read.sql, parameters...);
      statements.exec("RELEASE SAVEPOINT evt_read_with_condition");
      return found;
    } catch (const pqxx::sql_error& error) {
      refused.emplace(error);
      statements.exec("ROLLBACK TO SAVEPOINT evt_read_with_condition");
      return pqxx::result{};
    }
  });
  if (refused) detail::fail(operation, *refused);
  return rows;
}

}  // namespace

pqxx::result detail::get_rows(session& session, std::string_view stream_name, const stream_batch& batch) {
  if (is_category(stream_name)) {
    throw stream_name_error{"Must be a stream name (Category: " + std::string{stream_name} + ")"};
  }
  return read_rows(session, reading("get stream batch", stream_name), stream_read, batch.condition.has_value(),
                   std::string{stream_name}, batch.position, batch.batch_size, detail::text_or_null(batch.condition));
}

pqxx::result detail::get_rows(session& session, std::string_view category, const category_batch& batch) {
  check_category(category);
  if (batch.correlation && !is_category(*batch.correlation)) {
    throw stream_name_error{"Correlation must be a category (Correlation: " + *batch.correlation + ")"};
  }
  check_group(batch.consumer_group);
  const auto member = detail::number_or_null(batch.consumer_group ? std::optional{batch.consumer_group->member}
                                                                  : std::nullopt);
  const auto size = detail::number_or_null(batch.consumer_group ? std::optional{batch.consumer_group->size}
                                                                : std::nullopt);
  return read_rows(session, reading("get category batch", category), category_read, batch.condition.has_value(),
                   std::string{category}, batch.position, batch.batch_size, detail::text_or_null(batch.correlation),
                   detail::text_or_null(member), detail::text_or_null(size), detail::text_or_null(batch.condition));
}

std::vector<message_data> get_stream(session& session, std::string_view stream_name, const stream_batch& batch) {
  return messages(detail::get_rows(session, stream_name, batch));
}

std::vector<message_data> get_category(session& session, std::string_view category, const category_batch& batch) {
  return messages(detail::get_rows(session, category, batch));
}

std::optional<message_data> get_last(session& session, std::string_view stream_name,
                                     std::optional<std::string_view> type) {
  auto& connection = detail::access::of(session);
  auto found = connection.run(reading("get last", stream_name), [&](pqxx::transaction_base& statements) {
    if (!type) return messages(connection.execute(statements, last_name, last_sql, std::string{stream_name}));
    return messages(connection.execute(statements, last_of_type_name, last_of_type_sql, std::string{stream_name},
                                        std::string{*type}));
  });
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

std::vector<std::optional<message_data>> get_last(session& session, std::span<const std::string> stream_names,
                                                  std::optional<std::string_view> type) {
  std::vector<std::optional<message_data>> found(stream_names.size());
  if (stream_names.empty()) return found;
  std::vector<std::optional<std::string>> names(stream_names.begin(), stream_names.end());
  auto& connection = detail::access::of(session);
  const auto rows = connection.run(reading("get last of each", stream_names.front()), [&](pqxx::transaction_base& statements) {
    return messages(connection.execute(statements, last_of_each_name, last_of_each_sql, detail::array_literal(names),
                                       detail::text_or_null(type ? std::optional<std::string>{*type} : std::nullopt)));
  });
  for (const auto& row : rows) {
    const auto at = std::find(stream_names.begin(), stream_names.end(), row.stream_name);
    if (at != stream_names.end()) found[static_cast<std::size_t>(at - stream_names.begin())] = row;
  }
  return found;
}

std::optional<message_data> get_message(session& session, std::string_view id) {
  // Not a uuid: no message has it (rather than the server's syntax error).
  if (id.size() != 36 || id.find_first_not_of("0123456789abcdefABCDEF-") != std::string_view::npos) return std::nullopt;
  auto& connection = detail::access::of(session);
  auto found = connection.run(reading("get message by id", id), [&](pqxx::transaction_base& statements) {
    return messages(connection.execute(statements, by_id_name, by_id_sql, std::string{id}));
  });
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

std::optional<std::int64_t> stream_version(session& session, std::string_view stream_name) {
  auto& connection = detail::access::of(session);
  return connection.run(reading("stream version", stream_name),
                        [&](pqxx::transaction_base& statements) -> std::optional<std::int64_t> {
                          const auto version =
                              connection.execute(statements, version_name, version_sql, std::string{stream_name});
                          if (version[0][0].is_null()) return std::nullopt;
                          return version[0][0].as<std::int64_t>();
                        });
}

}  // namespace evt::store
