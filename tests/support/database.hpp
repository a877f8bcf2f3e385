#pragma once

#include <pqxx/pqxx>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace evt::test {

// Where the database under test is: ctest passes one libpq conninfo in
// EVT_TEST_CONNINFO (role message_store, as applications connect).
std::string conninfo();
// The same database reached without the pooler the suite may go through
// (label pooler): for what only a direct connection shows.
std::string direct_conninfo();
// The conninfo without evt's pool mode: sessions made with it are in the
// pool mode their settings say.
std::string session_conninfo();
// The same database as another role (libpq: the last "user" wins).
std::string conninfo_as(const std::string& role);
// True when the suite runs against the official Message DB (label compat):
// ctest says so in the conninfo's application_name, as the one variable
// ctest's ENVIRONMENT can carry without splitting it.
bool official_message_db();
// True when the optional notify part (message_db/notify) is installed: in
// the integration cluster, not in the compat one.
bool notify_installed();

// One row of message_store.message, as the get functions return it.
struct message_row {
  std::string id;
  std::string stream_name;
  std::string type;
  std::int64_t position = 0;
  std::int64_t global_position = 0;
  std::optional<std::string> data;
  std::optional<std::string> metadata;
  std::string time;
};

std::vector<message_row> message_rows(const pqxx::result& result);

// The primary text of a server error: no "ERROR:" prefix, no CONTEXT lines.
std::string primary_message(const pqxx::sql_error& error);

// Runs the statement and returns the server error's primary text, or fails
// the test when the statement succeeds.
std::string error_of(const std::function<void()>& statement);

// The arguments of get_category_messages; nullptr / nullopt are SQL NULL.
struct category_query {
  std::int64_t position = 1;
  std::int64_t batch_size = 1000;
  const char* correlation = nullptr;
  std::optional<std::int64_t> consumer_group_member = std::nullopt;
  std::optional<std::int64_t> consumer_group_size = std::nullopt;
  const char* condition = nullptr;
};

class database {
 public:
  explicit database(const std::string& conninfo = test::conninfo());

  // Runs one statement in its own committed transaction.
  template <class... Args>
  pqxx::result sql(const std::string& query, Args&&... args) {
    pqxx::work transaction{connection_};
    auto result = transaction.exec_params(query, std::forward<Args>(args)...);
    transaction.commit();
    return result;
  }

  // write_message with the data of Message DB's own test messages.
  std::int64_t write(const std::string& stream_name, const std::string& type = "SomeType",
                     const char* metadata = nullptr,
                     std::optional<std::int64_t> expected_version = std::nullopt);
  // A message as any client writes it: raw JSON (metadata: any JSON or NULL).
  std::int64_t write_json(const std::string& stream_name, const std::string& type, const std::string& data,
                          const char* metadata = nullptr);
  // Writes the same message `instances` times.
  void write_many(const std::string& stream_name, int instances, const char* metadata = nullptr);

  std::vector<message_row> stream(const std::string& stream_name);
  std::vector<message_row> category(const std::string& category, const category_query& query = {});

  pqxx::connection& connection() { return connection_; }

 private:
  pqxx::connection connection_;
};

}  // namespace evt::test
