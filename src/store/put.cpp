#include <evt/store/put.hpp>

#include <evt/error.hpp>
#include <evt/uuid.hpp>

#include "store/connection.hpp"
#include "store/sql_text.hpp"

#include <string>
#include <vector>

namespace evt::store {
namespace {

// Every write is a durable commit, whatever the server's or the role's
// synchronous_commit says: "off" (a commit that returns before it is
// flushed, lost in a crash) is raised to "on" for this transaction; any
// other setting is kept ("local" flushes here and, chosen by the owner,
// does not wait for synchronous standbys, which "on" would, stalling the
// writes while a standby is down). What evt keeps in memory after a write
// (an entity written through its cache, a consumer's progress) must not
// outlive the write in a crash. Inside the caller's transaction it applies
// to all of it.
#define EVT_DURABLE_COMMIT                                                                         \
  "set_config('synchronous_commit', CASE current_setting('synchronous_commit') WHEN 'off' THEN 'on'" \
  " ELSE current_setting('synchronous_commit') END, true)"

constexpr const char* write_name = "evt_write_message";
constexpr const char* write_sql =
    "SELECT message_store.write_message($1::varchar, $2::varchar, $3::varchar, $4::jsonb, $5::jsonb, $6::bigint),"
    " " EVT_DURABLE_COMMIT;

// The same, committed without waiting for the WAL flush: a crash may lose
// the write (never corrupt it). For writes that are cheaper to redo than to
// wait for, like a consumer's position (about 3x cheaper with fsync on).
constexpr const char* unflushed_write_name = "evt_write_message_unflushed";
constexpr const char* unflushed_write_sql =
    "SELECT message_store.write_message($1::varchar, $2::varchar, $3::varchar, $4::jsonb, $5::jsonb, $6::bigint),"
    " set_config('synchronous_commit', 'off', true)";

struct write_statement {
  const char* name;
  const char* sql;
};
constexpr write_statement flushed{write_name, write_sql};

// The whole batch in one statement: write_message once per element, in the
// batch's order, each expecting the version the previous one made.
constexpr const char* batch_name = "evt_write_message_batch";
constexpr const char* batch_sql =
    "SELECT message_store.write_message(m.id, $1::varchar, m.type, m.data, m.metadata, $2::bigint + m.n - 1)"
    " FROM (SELECT " EVT_DURABLE_COMMIT ") AS durable,"
    " unnest($3::varchar[], $4::varchar[], $5::jsonb[], $6::jsonb[]) WITH ORDINALITY"
    " AS m (id, type, data, metadata, n) ORDER BY m.n";
#undef EVT_DURABLE_COMMIT

// libpq takes C strings: an embedded NUL would cut a value short silently.
void check_text(std::string_view text, std::string_view what, std::string_view stream_name) {
  if (text.find('\0') != std::string_view::npos) {
    throw error{std::string{what} + " must not contain a NUL character (Stream: " + std::string{stream_name} + ")"};
  }
}

void check(std::string_view stream_name, const new_message& message) {
  if (stream_name.empty()) throw stream_name_error{"Stream name must not be empty"};
  check_text(stream_name, "Stream name", stream_name);
  check_text(message.type, "Message type", stream_name);
  if (message.type.empty()) throw error{"Message type must not be empty (Stream: " + std::string{stream_name} + ")"};
  if (message.id) check_text(*message.id, "Message ID", stream_name);
}

detail::operation writing(std::string_view stream_name) {
  return {.name = "write", .stream_name = stream_name, .writes = true};
}

std::int64_t put_one(detail::connection& connection, const new_message& message, std::string_view stream_name,
                     expected_version expected, write_statement statement = flushed) {
  check(stream_name, message);
  connection.check_category(stream_name);
  const auto id = message.id ? *message.id : random_uuid();
  const auto version = detail::number_or_null(expected);
  return connection.run(writing(stream_name), [&](pqxx::transaction_base& statements) {
    return connection
        .execute(statements, statement.name, statement.sql, id, std::string{stream_name}, message.type,
                  detail::text_or_null(message.data), detail::text_or_null(message.metadata),
                  detail::text_or_null(version))[0][0]
        .as<std::int64_t>();
  });
}

std::int64_t put_batch(detail::connection& connection, std::span<const new_message> batch,
                       std::string_view stream_name, expected_version expected) {
  if (batch.empty()) throw error{"Nothing to write: the batch is empty (Stream: " + std::string{stream_name} + ")"};
  // The common case, a writer's single message, costs the server less as a
  // plain write_message than unnested from arrays (about a third less).
  if (batch.size() == 1) return put_one(connection, batch.front(), stream_name, expected);
  for (const auto& message : batch) check(stream_name, message);
  connection.check_category(stream_name);
  std::vector<std::optional<std::string>> ids, types, data, metadata;
  for (const auto& message : batch) {
    ids.emplace_back(message.id ? *message.id : random_uuid());
    types.emplace_back(message.type);
    data.push_back(message.data);
    metadata.push_back(message.metadata);
  }
  const auto version = detail::number_or_null(expected);
  return connection.run(writing(stream_name), [&](pqxx::transaction_base& statements) {
    const auto positions = connection.execute(
        statements, batch_name, batch_sql, std::string{stream_name}, detail::text_or_null(version),
        detail::array_literal(ids), detail::array_literal(types), detail::array_literal(data),
        detail::array_literal(metadata));
    return positions[positions.size() - 1][0].as<std::int64_t>();  // ordered by n
  });
}

}  // namespace

std::int64_t put_unflushed(session& session, const new_message& message, std::string_view stream_name) {
  auto& connection = detail::access::of(session);
  const detail::in_use claim{connection, writing(stream_name)};  // before it looks at the transaction
  // Inside the caller's transaction the setting would apply to all of it.
  const auto statement = connection.transaction != nullptr ? flushed : write_statement{unflushed_write_name, unflushed_write_sql};
  return put_one(connection, message, stream_name, {}, statement);
}

std::int64_t put(session& session, const new_message& message, std::string_view stream_name,
                 expected_version expected) {
  return put_one(detail::access::of(session), message, stream_name, expected);
}

std::int64_t put(transaction& transaction, const new_message& message, std::string_view stream_name,
                 expected_version expected) {
  return put_one(detail::access::of(transaction), message, stream_name, expected);
}

std::int64_t put(session& session, std::span<const new_message> batch, std::string_view stream_name,
                 expected_version expected) {
  return put_batch(detail::access::of(session), batch, stream_name, expected);
}

std::int64_t put(transaction& transaction, std::span<const new_message> batch, std::string_view stream_name,
                 expected_version expected) {
  return put_batch(detail::access::of(transaction), batch, stream_name, expected);
}

}  // namespace evt::store
