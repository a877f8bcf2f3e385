#include <evt/store/session.hpp>

#include "store/connection.hpp"

namespace evt::store {

session::session(store::settings settings)
    : connection_{std::make_unique<detail::connection>(std::move(settings))} {}

session::~session() = default;
session::session(session&&) noexcept = default;
session& session::operator=(session&&) noexcept = default;

const store::settings& session::settings() const noexcept { return connection_->settings; }

bool session::is_connected() const noexcept { return connection_->native && connection_->native->is_open(); }

void session::close() noexcept { connection_->drop(); }

detail::connection& session::connection() { return *connection_; }

void session::run_transaction(const std::function<void(store::transaction&)>& work) {
  auto& connection = *connection_;
  const detail::operation operation{.name = "transaction", .writes = true};

  // Destroyed after the libpqxx transaction: only then may a connection that
  // was lost inside it be dropped.
  struct leave {
    detail::connection& connection;
    ~leave() {
      connection.transaction = nullptr;
      if (connection.lost) connection.drop();
    }
  } leave_transaction{connection};

  std::optional<pqxx::work> native_transaction;
  try {
    native_transaction.emplace(connection.open(operation));
  } catch (const pqxx::failure& failure) {
    connection.lost_or_failed(operation, failure);
  }
  connection.transaction = &*native_transaction;

  store::transaction transaction{connection};
  work(transaction);
  connection.run(operation, [&](pqxx::transaction_base&) {
    native_transaction->commit();
    return 0;
  });
}

std::int64_t transaction::execute(std::string_view sql, std::initializer_list<parameter> parameters) {
  const detail::operation operation{.name = "execute", .writes = true};
  return connection_.run(operation, [&](pqxx::transaction_base& statements) {
    std::vector<const char*> values;
    values.reserve(parameters.size());
    for (const auto& value : parameters) values.push_back(value ? value->c_str() : nullptr);
    return static_cast<std::int64_t>(
        statements.exec_params(std::string{sql}, pqxx::prepare::make_dynamic_params(values)).affected_rows());
  });
}

}  // namespace evt::store
