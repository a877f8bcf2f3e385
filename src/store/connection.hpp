#pragma once

// Internal: the libpqxx side of a session. No pqxx type leaves src/.
#include <evt/store/settings.hpp>

#include <pqxx/pqxx>

#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace evt::store::detail {

// What a call was doing, for its error messages.
struct operation {
  std::string_view name{};         // "write", "get stream batch", ...
  std::string_view stream_name{};  // the stream or category, when there is one
  bool writes = false;             // a lost connection leaves its outcome unknown...
  bool commits = false;            // ... inside a transaction, only at its COMMIT
};

// Turns a libpqxx failure into evt's error for the operation. Throws always.
[[noreturn]] void fail(const operation& operation, const pqxx::failure& failure);

struct connection {
  explicit connection(store::settings settings) : settings{std::move(settings)} {}

  store::settings settings;
  std::unique_ptr<pqxx::connection> native;  // null until first use and after a loss
  pqxx::work* transaction = nullptr;         // the caller's, during session::transaction
  bool lost = false;                         // noticed inside a transaction; dropped after it
  bool transaction_failed = false;           // a statement failed: the server rolls back
  std::set<std::string, std::less<>> prepared_names;
  // LISTEN/NOTIFY: channels listened to on every (re)connection, the
  // receivers doing it on `native`, and the payloads they got, until taken.
  std::set<std::string, std::less<>> channels;
  std::vector<std::unique_ptr<pqxx::notification_receiver>> receivers;
  std::set<std::string, std::less<>> notified;

  pqxx::connection& open(const operation& operation);

  // Executes a statement prepared once per connection under its name.
  template <class... Parameters>
  pqxx::result prepared(pqxx::transaction_base& statements, const char* name, const char* sql,
                        Parameters&&... parameters) {
    if (prepared_names.insert(name).second) native->prepare(name, sql);
    return statements.exec_prepared(name, std::forward<Parameters>(parameters)...);
  }
  void drop() noexcept {
    receivers.clear();  // they unregister from `native`
    native.reset();
    prepared_names.clear();
    lost = false;
  }

  // Runs one call's statements, outside any transaction of the caller's
  // (each statement commits on its own) or inside it.
  template <class Work>
  auto run(const operation& operation, Work&& work) {
    try {
      if (transaction != nullptr) return work(static_cast<pqxx::transaction_base&>(*transaction));
      pqxx::nontransaction statements{open(operation)};
      return work(static_cast<pqxx::transaction_base&>(statements));
    } catch (const pqxx::failure& failure) {
      if (transaction != nullptr) transaction_failed = true;
      lost_or_failed(operation, failure);
    }
  }

  // LISTENs on `channel` now and after every reconnection.
  void listen(const std::string& channel);
  // Whether a notification with this payload came since the last call, or
  // comes within `timeout`. Other payloads are discarded. Also true when the
  // connection is found lost or is reopened (notifications may have been
  // missed meanwhile); while it cannot be reopened, waits and says false.
  bool await_notification(std::string_view payload, std::chrono::milliseconds timeout);
  // Forgets the notifications received so far (a read is about to see what
  // they announce), so that none pile up here or in libpq while busy.
  void discard_notifications() noexcept;

  [[noreturn]] void lost_or_failed(const operation& operation, const pqxx::failure& failure);
};

}  // namespace evt::store::detail
