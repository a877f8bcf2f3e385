#include <evt/store/session.hpp>

#include "store/connection.hpp"

#include <evt/error.hpp>

namespace evt::store {

session::session(store::settings settings)
    : connection_{std::make_unique<detail::connection>(with_conninfo_options(std::move(settings)))} {}

session::~session() = default;
session::session(session&&) noexcept = default;

const store::settings& session::settings() const { return connection().settings; }

bool session::is_connected() const noexcept {
  return connection_ && connection_->native && connection_->native->is_open();
}

std::uint64_t session::connection_generation() const noexcept {
  return connection_ ? connection_->generation.load() : 0;
}

// Inside a transaction the connection is still in use: it is dropped when
// the transaction ends.
void session::close() noexcept {
  if (!connection_) return;
  if (connection_->transaction != nullptr) {
    connection_->lost = true;
  } else {
    connection_->drop();
  }
}

detail::connection& session::connection() const {
  if (!connection_) throw error{"This session was moved from; it has no connection"};
  return *connection_;
}

bool session::in_transaction() const noexcept { return connection_ && connection_->transaction != nullptr; }

void session::connect() {
  auto& connection = this->connection();
  const detail::operation operation{.name = "connect"};
  const detail::in_use claim{connection, operation};
  connection.open(operation);
}

void session::run_transaction(const std::function<void(store::transaction&)>& work) {
  auto& connection = this->connection();
  const detail::operation operation{.name = "transaction"};  // beginning: nothing written yet
  const detail::in_use claim{connection, operation};
  if (connection.transaction != nullptr) {
    throw error{"A transaction is already open on this session; transactions do not nest"};
  }

  // Destroyed after the libpqxx transaction: only then may a connection that
  // was lost inside it be dropped.
  // A transaction that did not end with a COMMIT or ROLLBACK the server
  // answered (a lost connection, an exception of another kind) may still be
  // open on the server: its connection is dropped, so that no later
  // statement joins it.
  struct leave {
    detail::connection& connection;
    bool ended = false;
    ~leave() {
      connection.transaction = nullptr;
      connection.transaction_failed = false;
      connection.one_category = false;
      connection.written_category.reset();
      connection.transaction_writes = 0;
      connection.refused_writes = 0;
      if (connection.lost || !ended) connection.drop();
    }
  } leave_transaction{connection};

  // BEGIN, COMMIT and ROLLBACK are sent with exec_params, not by a
  // pqxx::work: libpqxx 6.4 loses the result of a statement its hidden exec
  // sends when the connection is lost under it (a server crash while a
  // consumer's batch commits), where no leak suppression can name it
  // (tests/support/sanitizer_suppressions.cpp).
  std::optional<pqxx::nontransaction> native_transaction;
  try {
    native_transaction.emplace(connection.open(operation));
    // Read committed whatever the role's default: write_message reads the
    // stream's version after taking the category's lock, and the checks
    // before a write (the reservation's) hold only if reads see what
    // committed before the lock was taken.
    native_transaction->exec_params("BEGIN ISOLATION LEVEL READ COMMITTED");
  } catch (const pqxx::failure& failure) {
    native_transaction.reset();  // it refers to the connection, which a loss drops
    leave_transaction.ended = true;
    connection.lost_or_failed(operation, failure);
  }
  connection.transaction = &*native_transaction;
  // A connection that is lost rolls the transaction back by itself, and one
  // that cannot roll back is dropped.
  const auto roll_back = [&] {
    if (connection.lost) return;
    try {
      native_transaction->exec_params("ROLLBACK");
      leave_transaction.ended = true;
    } catch (...) {
      connection.lost = true;
    }
  };

  store::transaction transaction{connection};
  try {
    work(transaction);
  } catch (...) {
    roll_back();
    throw;
  }
  // The server turns COMMIT into ROLLBACK after a failed statement: a
  // caller that caught the error must not believe its writes committed.
  if (connection.transaction_failed) {
    roll_back();
    throw store_error{"Transaction rolled back: a statement in it failed (Operation: transaction)", "25P02"};
  }
  connection.run({.name = "commit", .writes = true, .commits = true}, [&](pqxx::transaction_base& statements) {
    try {
      statements.exec_params("COMMIT");
    } catch (const pqxx::sql_error&) {
      // Refused (a deferred check, a serialisation failure): the server
      // ended the transaction all the same, and the connection is kept
      // unless it was lost too.
      leave_transaction.ended = true;
      throw;
    }
    return 0;
  });
  leave_transaction.ended = true;
}

namespace {

pqxx::result run_statement(pqxx::transaction_base& statements, std::string_view sql,
                           std::initializer_list<transaction::parameter> parameters) {
  std::vector<const char*> values;
  values.reserve(parameters.size());
  for (const auto& value : parameters) values.push_back(value ? value->c_str() : nullptr);
  return statements.exec_params(std::string{sql}, pqxx::prepare::make_dynamic_params(values));
}

}  // namespace

bool transaction::failed() const noexcept { return connection_.transaction_failed; }

void transaction::keep_to_one_category(bool keep) noexcept { connection_.one_category = keep; }

std::int64_t transaction::writes() const noexcept { return connection_.transaction_writes; }

std::int64_t transaction::refused_writes() const noexcept { return connection_.refused_writes; }

std::int64_t transaction::execute(std::string_view sql, std::initializer_list<parameter> parameters) {
  const detail::operation operation{.name = "execute", .writes = true};
  return connection_.run(operation, [&](pqxx::transaction_base& statements) {
    return static_cast<std::int64_t>(run_statement(statements, sql, parameters).affected_rows());
  });
}

std::vector<transaction::row> transaction::query(std::string_view sql, std::initializer_list<parameter> parameters) {
  const detail::operation operation{.name = "query"};
  return connection_.run(operation, [&](pqxx::transaction_base& statements) {
    const auto result = run_statement(statements, sql, parameters);
    std::vector<row> rows;
    rows.reserve(result.size());
    for (const auto& found : result) {
      auto& values = rows.emplace_back();
      values.reserve(found.size());
      for (const auto& field : found) {
        values.push_back(field.is_null() ? std::nullopt : std::optional<std::string>{field.c_str()});
      }
    }
    return rows;
  });
}

}  // namespace evt::store
