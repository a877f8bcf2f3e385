#pragma once

// Internal: the libpqxx side of a session. No pqxx type leaves src/.
#include <evt/store/session.hpp>
#include <evt/store/settings.hpp>

#include <pqxx/pqxx>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
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

// "Operation: ..., Stream: ...": what an error names.
std::string context(const operation& operation);
// Turns a libpqxx failure into evt's error for the operation. Throws always.
[[noreturn]] void fail(const operation& operation, const pqxx::failure& failure);

struct connection;

// Held by one thread for the length of a call on a session (a whole
// transaction included); calls it makes inside share it. Another thread's
// call meanwhile is refused with an evt::error: two threads' statements on
// one connection would interleave, and libpq is not made for it.
class in_use {
 public:
  in_use(connection& connection, const operation& operation);
  ~in_use();
  in_use(const in_use&) = delete;
  in_use& operator=(const in_use&) = delete;

 private:
  connection& connection_;
  bool claimed_ = false;  // false when nested in this thread's own call
};

struct connection {
  explicit connection(store::settings settings) : settings{std::move(settings)} {}

  store::settings settings;
  std::unique_ptr<pqxx::connection> native;  // null until first use and after a loss
  pqxx::transaction_base* transaction = nullptr;  // the caller's, during session::transaction
  bool lost = false;                         // noticed inside a transaction; dropped after it
  bool transaction_failed = false;           // a statement failed: the server rolls back
  // store::transaction::keep_to_one_category: the category its writes
  // went to, and how many there were and how many were refused.
  bool one_category = false;
  std::optional<std::string> written_category;
  std::int64_t transaction_writes = 0;
  std::int64_t refused_writes = 0;
  // Inside a transaction: counts the write, or refuses one to another category.
  void check_category(std::string_view stream_name);
  std::set<std::string, std::less<>> prepared_names;
  // LISTEN/NOTIFY: channels listened to on every (re)connection, the
  // receivers doing it on `native`, and the payloads they got, until taken.
  std::set<std::string, std::less<>> channels;
  std::vector<std::unique_ptr<pqxx::notification_receiver>> receivers;
  std::set<std::string, std::less<>> notified;
  std::atomic<std::thread::id> user{};  // the thread inside a call, if any
  // Counts the connections dropped (lost, or closed): what was read on one
  // may not be what the server holds now (session::connection_generation).
  std::atomic<std::uint64_t> generation{0};

  pqxx::connection& open(const operation& operation);

  // Executes one of the store's statements: prepared once per connection
  // under its name, or, through a transaction pooler (where a prepared
  // statement stays on a server connection the next transaction may not
  // get), sent unnamed with its parameters.
  template <class... Parameters>
  pqxx::result execute(pqxx::transaction_base& statements, const char* name, const char* sql,
                       Parameters&&... parameters) {
    if (settings.pool_mode == pool_mode::transaction) {
      return statements.exec_params(sql, std::forward<Parameters>(parameters)...);
    }
    // Recorded once prepared: a prepare that failed is tried again next time.
    if (!prepared_names.contains(name)) {
      native->prepare(name, sql);
      prepared_names.insert(name);
    }
    return statements.exec_prepared(name, std::forward<Parameters>(parameters)...);
  }
  void drop() noexcept {
    // Closed first, so that the receivers unregister without an UNLISTEN:
    // the server forgets a closed session's LISTENs anyway, and on a
    // connection the server closed already the UNLISTEN would fail (and
    // lose its result inside libpqxx 6.4).
    if (native) native->disconnect();
    receivers.clear();  // they unregister from `native`
    if (native) ++generation;
    native.reset();
    prepared_names.clear();
    lost = false;
  }

  // Runs one call's statements inside the caller's transaction, or else
  // outside any (each statement commits on its own) or, with Statements =
  // pqxx::work, in one transaction of their own that commits when `work`
  // returns.
  template <class Statements = pqxx::nontransaction, class Work>
  auto run(const operation& operation, Work&& work) {
    const in_use claim{*this, operation};
    try {
      if (transaction != nullptr) return work(*transaction);
      Statements statements{open(operation)};
      auto result = work(statements);
      if constexpr (!std::is_same_v<Statements, pqxx::nontransaction>) statements.commit();
      return result;
    } catch (const pqxx::failure& failure) {
      if (transaction != nullptr) transaction_failed = true;
      lost_or_failed(operation, failure);
    }
  }

  // As evt/store/notifications.hpp says.
  void listen(const std::string& channel);
  bool await_notification(std::string_view payload, std::chrono::milliseconds timeout);
  void discard_notifications() noexcept;

  [[noreturn]] void lost_or_failed(const operation& operation, const pqxx::failure& failure);
};

// How the store's functions reach what a session and a transaction hide.
struct access {
  static connection& of(const session& session) { return session.connection(); }
  static connection& of(transaction& transaction) noexcept { return transaction.connection_; }
};

}  // namespace evt::store::detail
