#include "support/database.hpp"

#include "support/names.hpp"

#include <evt/store/settings.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <stdexcept>

namespace evt::test {
namespace {

std::optional<std::string> nullable(const std::optional<std::int64_t>& value) {
  if (!value) return std::nullopt;
  return std::to_string(*value);
}

}  // namespace

std::string conninfo() {
  const char* value = std::getenv("EVT_TEST_CONNINFO");
  if (value == nullptr || *value == '\0') {
    throw std::runtime_error{
        "EVT_TEST_CONNINFO is not set: run the integration tests through ctest, "
        "which starts a throwaway PostgreSQL for them"};
  }
  return value;
}

// ctest passes one variable only: the pooler (label pooler) listens on port
// 6432 of the cluster's socket folder, the server on 5432.
std::string direct_conninfo() {
  auto direct = store::with_conninfo_options({.conninfo = conninfo()});
  if (direct.pool_mode == store::pool_mode::session) return direct.conninfo;
  if (const auto port = direct.conninfo.find("port=6432"); port != std::string::npos) {
    direct.conninfo.replace(port, 9, "port=5432");
  }
  return direct.conninfo;
}

std::string session_conninfo() { return store::with_conninfo_options({.conninfo = conninfo()}).conninfo; }

std::string conninfo_as(const std::string& role) { return conninfo() + " user=" + role; }

bool official_message_db() { return conninfo().find("application_name=evt-compat") != std::string::npos; }

bool notify_installed() {
  return !database{}.sql("SELECT 1 FROM pg_catalog.pg_trigger WHERE tgname = 'notify_categories'").empty();
}

std::vector<message_row> message_rows(const pqxx::result& result) {
  std::vector<message_row> rows;
  rows.reserve(result.size());
  for (const auto& row : result) {
    auto optional_text = [&](const char* column) -> std::optional<std::string> {
      if (row[column].is_null()) return std::nullopt;
      return row[column].as<std::string>();
    };
    rows.push_back({row["id"].as<std::string>(), row["stream_name"].as<std::string>(),
                    row["type"].as<std::string>(), row["position"].as<std::int64_t>(),
                    row["global_position"].as<std::int64_t>(), optional_text("data"),
                    optional_text("metadata"), row["time"].as<std::string>()});
  }
  return rows;
}

std::string primary_message(const pqxx::sql_error& error) {
  std::string text = error.what();
  const std::string prefix = "ERROR:  ";
  if (text.rfind(prefix, 0) == 0) text.erase(0, prefix.size());
  if (const auto end = text.find('\n'); end != std::string::npos) text.erase(end);
  return text;
}

std::string error_of(const std::function<void()>& statement) {
  try {
    statement();
  } catch (const pqxx::sql_error& error) {
    return primary_message(error);
  }
  ADD_FAILURE() << "the statement succeeded; an error was expected";
  return {};
}

// libpq knows nothing of evt's own keyword (evt_pool_mode).
database::database(const std::string& conninfo)
    : connection_{store::with_conninfo_options({.conninfo = conninfo}).conninfo} {}

std::int64_t database::write(const std::string& stream_name, const std::string& type,
                             const char* metadata, std::optional<std::int64_t> expected_version) {
  const auto version = nullable(expected_version);
  return sql("SELECT message_store.write_message($1, $2, $3, $4, $5, $6)", unique_id(), stream_name,
             type, R"({"attribute": "some value"})", metadata, version ? version->c_str() : nullptr)[0][0]
      .as<std::int64_t>();
}

std::int64_t database::write_json(const std::string& stream_name, const std::string& type, const std::string& data,
                                  const char* metadata) {
  return sql("SELECT message_store.write_message($1, $2, $3, $4, $5)", unique_id(), stream_name, type, data, metadata)[0][0]
      .as<std::int64_t>();
}

void database::write_many(const std::string& stream_name, int instances, const char* metadata) {
  for (int i = 0; i < instances; ++i) write(stream_name, "SomeType", metadata);
}

std::vector<message_row> database::stream(const std::string& stream_name) {
  return message_rows(sql("SELECT * FROM message_store.get_stream_messages($1)", stream_name));
}

std::vector<message_row> database::category(const std::string& category, const category_query& query) {
  const auto member = nullable(query.consumer_group_member);
  const auto size = nullable(query.consumer_group_size);
  return message_rows(sql("SELECT * FROM message_store.get_category_messages($1, $2, $3, $4, $5, $6, $7)", category,
                          query.position, query.batch_size, query.correlation,
                          member ? member->c_str() : nullptr, size ? size->c_str() : nullptr, query.condition));
}

}  // namespace evt::test
