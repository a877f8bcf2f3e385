#include "store/connection.hpp"

#include <evt/error.hpp>

#include <charconv>
#include <string>

namespace evt::store::detail {
namespace {

const std::string expected_version_text = "Wrong expected version: ";

// Message DB's text, "Wrong expected version: E (Stream: S, Stream Version: A)",
// read from both ends: the stream name may contain anything.
[[noreturn]] void fail_expected_version(const std::string& message) {
  const auto start = message.find(expected_version_text) + expected_version_text.size();
  const auto stream_start = message.find(" (Stream: ", start);
  const auto actual_start = message.rfind(", Stream Version: ");
  const auto actual_end = message.find(')', actual_start);
  std::int64_t expected = 0;
  std::int64_t actual = 0;
  const auto parse = [&](std::size_t from, std::size_t to, std::int64_t& value) {
    return from < to && to != std::string::npos &&
           std::from_chars(message.data() + from, message.data() + to, value).ec == std::errc{};
  };
  if (stream_start == std::string::npos || actual_start == std::string::npos || actual_start < stream_start ||
      !parse(start, stream_start, expected) ||
      !parse(actual_start + 18, actual_end, actual)) {
    throw store_error{message, "P0001"};
  }
  throw expected_version_error{message.substr(stream_start + 10, actual_start - stream_start - 10), expected, actual};
}

bool starts_with(const std::string& text, std::string_view prefix) { return text.rfind(prefix, 0) == 0; }

// The server's own sentence, without "ERROR:" and the CONTEXT lines.
std::string primary_text(const pqxx::failure& failure) {
  std::string text = failure.what();
  if (starts_with(text, "ERROR:  ")) text.erase(0, 8);
  if (const auto end = text.find('\n'); end != std::string::npos) text.erase(end);
  return text;
}

std::string context(const operation& operation) {
  std::string text = "Operation: " + std::string{operation.name};
  if (!operation.stream_name.empty()) text += ", Stream: " + std::string{operation.stream_name};
  return text;
}

}  // namespace

void fail(const operation& operation, const pqxx::failure& failure) {
  const auto* sql = dynamic_cast<const pqxx::sql_error*>(&failure);
  const auto message = primary_text(failure);
  if (sql == nullptr) throw store_error{message + " (" + context(operation) + ")", ""};

  const auto& sqlstate = sql->sqlstate();
  if (message.find(expected_version_text) != std::string::npos) fail_expected_version(message);
  if (sqlstate == "23505" && message.find("\"messages_id\"") != std::string::npos) {
    throw duplicate_message_id_error{"Message ID already exists (" + context(operation) + ")"};
  }
  if (starts_with(message, "Retrieval with SQL condition is not activated")) {
    throw condition_error{message + " (" + context(operation) + ")"};
  }
  if (starts_with(message, "Consumer group")) throw consumer_group_error{message};
  if (starts_with(message, "Must be a") || starts_with(message, "Correlation must be a category")) {
    throw stream_name_error{message};
  }
  throw store_error{message + " (" + context(operation) + ", SQLSTATE: " + sqlstate + ")", sqlstate};
}

pqxx::connection& connection::open(const operation& operation) {
  if (native && native->is_open() && !lost) return *native;
  drop();
  try {
    auto fresh = std::make_unique<pqxx::connection>(settings.conninfo);
    if (settings.sql_condition) pqxx::nontransaction{*fresh}.exec("SET message_store.sql_condition = on");
    native = std::move(fresh);
  } catch (const pqxx::failure& failure) {
    throw connection_error{"Cannot connect to the message store (" + context(operation) +
                           ", Cause: " + primary_text(failure) + ")"};
  }
  return *native;
}

void connection::lost_or_failed(const operation& operation, const pqxx::failure& failure) {
  const auto* sql = dynamic_cast<const pqxx::sql_error*>(&failure);
  // Class 08: connection exceptions; 57P01-57P03: the server is shutting down.
  const bool server_going = sql != nullptr && (starts_with(sql->sqlstate(), "08") || starts_with(sql->sqlstate(), "57P0"));
  const bool broken = dynamic_cast<const pqxx::broken_connection*>(&failure) != nullptr ||
                      dynamic_cast<const pqxx::in_doubt_error*>(&failure) != nullptr || server_going ||
                      (native && !native->is_open());
  if (!broken) fail(operation, failure);
  // A transaction still refers to the connection: it is dropped when the
  // transaction is gone.
  if (transaction == nullptr) {
    drop();
  } else {
    lost = true;
  }
  const std::string outcome = operation.writes ? "; the write may or may not have been committed" : "";
  throw connection_error{"Connection to the message store lost" + outcome + " (" + context(operation) +
                         ", Cause: " + primary_text(failure) + ")"};
}

}  // namespace evt::store::detail
