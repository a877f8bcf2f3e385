#include <evt/store/get.hpp>

#include <evt/error.hpp>
#include <evt/stream_name.hpp>

#include "store/connection.hpp"
#include "store/sql_text.hpp"

#include <charconv>
#include <string>

namespace evt::store {
namespace {

constexpr const char* stream_name_ = "evt_get_stream_messages";
constexpr const char* stream_sql =
    "SELECT * FROM message_store.get_stream_messages($1::varchar, $2::bigint, $3::bigint, $4::varchar)";
constexpr const char* category_name = "evt_get_category_messages";
constexpr const char* category_sql =
    "SELECT * FROM message_store.get_category_messages($1::varchar, $2::bigint, $3::bigint, $4::varchar,"
    " $5::bigint, $6::bigint, $7::varchar)";
// Without the type argument when there is none: Message DB before 1.3 has
// only the one-argument form.
constexpr const char* last_name = "evt_get_last_stream_message";
constexpr const char* last_sql = "SELECT * FROM message_store.get_last_stream_message($1::varchar)";
constexpr const char* last_of_type_name = "evt_get_last_stream_message_of_type";
constexpr const char* last_of_type_sql =
    "SELECT * FROM message_store.get_last_stream_message($1::varchar, $2::varchar)";
constexpr const char* version_name = "evt_stream_version";
constexpr const char* version_sql = "SELECT message_store.stream_version($1::varchar)";

// "2026-11-24 14:43:40.632554": timestamp without time zone, in UTC.
time_point parse_time(std::string_view text) {
  const auto number = [&](std::size_t from, std::size_t length) {
    int value = 0;
    std::from_chars(text.data() + from, text.data() + from + length, value);
    return value;
  };
  if (text.size() < 19) throw error{"Unreadable message time: " + std::string{text}};
  const std::chrono::year_month_day date{std::chrono::year{number(0, 4)},
                                         std::chrono::month{static_cast<unsigned>(number(5, 2))},
                                         std::chrono::day{static_cast<unsigned>(number(8, 2))}};
  auto time = std::chrono::sys_days{date} + std::chrono::hours{number(11, 2)} +
              std::chrono::minutes{number(14, 2)} + std::chrono::seconds{number(17, 2)};
  std::chrono::microseconds fraction{0};
  if (text.size() > 20 && text[19] == '.') {
    const auto digits = text.substr(20, 6);
    fraction = std::chrono::microseconds{number(20, digits.size())};
    for (auto scale = digits.size(); scale < 6; ++scale) fraction *= 10;
  }
  return time + fraction;
}

std::optional<std::string> optional_text(const pqxx::field& field) {
  if (field.is_null()) return std::nullopt;
  return std::string{field.c_str(), field.size()};
}

// Columns in the order of the message_store.message type.
std::vector<message_data> messages(const pqxx::result& rows) {
  std::vector<message_data> result;
  result.reserve(rows.size());
  for (const auto& row : rows) {
    result.push_back({.id = row[0].c_str(),
                      .type = row[2].c_str(),
                      .stream_name = row[1].c_str(),
                      .position = row[3].as<std::int64_t>(),
                      .global_position = row[4].as<std::int64_t>(),
                      .data = optional_text(row[5]),
                      .metadata = optional_text(row[6]),
                      .time = parse_time(row[7].c_str())});
  }
  return result;
}

detail::operation reading(std::string_view what, std::string_view name) {
  return {.name = what, .stream_name = name};
}

void check_group(const std::optional<consumer_group>& group) {
  if (!group) return;
  const auto arguments = " (Consumer Group Member: " + std::to_string(group->member) +
                         ", Consumer Group Size: " + std::to_string(group->size) + ")";
  if (group->size < 1) throw consumer_group_error{"Consumer group size must not be less than 1" + arguments};
  if (group->member < 0) throw consumer_group_error{"Consumer group member must not be less than 0" + arguments};
  if (group->member >= group->size) {
    throw consumer_group_error{"Consumer group member must be less than the group size" + arguments};
  }
}

}  // namespace

std::vector<message_data> get(session& session, std::string_view stream_name, const stream_batch& batch) {
  if (is_category(stream_name)) {
    throw stream_name_error{"Must be a stream name (Category: " + std::string{stream_name} + ")"};
  }
  auto& connection = session.connection();
  return connection.run(reading("get stream batch", stream_name), [&](pqxx::transaction_base& statements) {
    return messages(connection.prepared(statements, stream_name_, stream_sql, std::string{stream_name},
                                        batch.position, batch.batch_size, detail::text_or_null(batch.condition)));
  });
}

std::vector<message_data> get(session& session, std::string_view category, const category_batch& batch) {
  if (!is_category(category)) {
    throw stream_name_error{"Must be a category (Stream Name: " + std::string{category} + ")"};
  }
  if (batch.correlation && !is_category(*batch.correlation)) {
    throw stream_name_error{"Correlation must be a category (Correlation: " + *batch.correlation + ")"};
  }
  check_group(batch.consumer_group);
  const auto member = detail::number_or_null(batch.consumer_group ? std::optional{batch.consumer_group->member}
                                                                  : std::nullopt);
  const auto size = detail::number_or_null(batch.consumer_group ? std::optional{batch.consumer_group->size}
                                                                : std::nullopt);
  auto& connection = session.connection();
  return connection.run(reading("get category batch", category), [&](pqxx::transaction_base& statements) {
    return messages(connection.prepared(statements, category_name, category_sql, std::string{category},
                                        batch.position, batch.batch_size, detail::text_or_null(batch.correlation),
                                        detail::text_or_null(member), detail::text_or_null(size),
                                        detail::text_or_null(batch.condition)));
  });
}

std::optional<message_data> get_last(session& session, std::string_view stream_name,
                                     std::optional<std::string_view> type) {
  auto& connection = session.connection();
  auto found = connection.run(reading("get last", stream_name), [&](pqxx::transaction_base& statements) {
    if (!type) return messages(connection.prepared(statements, last_name, last_sql, std::string{stream_name}));
    return messages(connection.prepared(statements, last_of_type_name, last_of_type_sql, std::string{stream_name},
                                        std::string{*type}));
  });
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

std::optional<std::int64_t> stream_version(session& session, std::string_view stream_name) {
  auto& connection = session.connection();
  return connection.run(reading("stream version", stream_name),
                        [&](pqxx::transaction_base& statements) -> std::optional<std::int64_t> {
                          const auto version =
                              connection.prepared(statements, version_name, version_sql, std::string{stream_name});
                          if (version[0][0].is_null()) return std::nullopt;
                          return version[0][0].as<std::int64_t>();
                        });
}

}  // namespace evt::store
