#pragma once

#include <evt/store/settings.hpp>

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace evt::store {

class transaction;

namespace detail {
struct connection;
struct access;  // the store's own way to the connection (src/store)
}

// One connection to the message store, opened on first use. When the
// connection is lost, the call that noticed fails with a retriable
// connection_error and the next call reconnects; a write whose outcome is
// unknown is never retried behind the caller's back.
//
// A session is used by one thread at a time (like the connection it holds);
// give each thread its own. A call made while another thread is inside one
// (or inside a transaction) on the same session is refused with an
// evt::error before it touches the connection; handing a session from one
// thread to another between calls is fine. close(), is_connected() and
// moving are not calls of that kind: only the thread using the session
// makes them.
class session {
 public:
  explicit session(store::settings settings = {});
  ~session();
  session(session&&) noexcept;  // the moved-from session is unusable
  session& operator=(session&&) = delete;

  const store::settings& settings() const;
  bool is_connected() const noexcept;
  void close() noexcept;

  // Changes whenever the session's connection is lost or closed (read from
  // any thread). What was read before may no longer be what the store
  // holds: the server may have crashed and lost unflushed commits, or
  // another server may answer now (a failover to a standby that was
  // behind). So whatever keeps what it read (an entity cache) compares
  // this with the generation it read at, and forgets it when they differ.
  // The session never connects again by itself inside a call: the call
  // that finds the connection gone fails (a connection_error), and the
  // next call connects anew.
  std::uint64_t connection_generation() const noexcept;

  // Runs `work` in one database transaction: it commits when `work` returns
  // and rolls back when it throws. Messages put through the transaction
  // commit together with the application's own statements. While it is
  // open, every call on this session joins it. If a statement in it fails,
  // the transaction cannot commit: even if `work` catches the error, the
  // call ends with a store_error. Transactions do not nest.
  template <class Work>
  auto transaction(Work&& work) -> std::invoke_result_t<Work&, store::transaction&> {
    using result = std::invoke_result_t<Work&, store::transaction&>;
    if constexpr (std::is_void_v<result>) {
      run_transaction([&](store::transaction& t) { work(t); });
    } else {
      std::optional<result> value;
      run_transaction([&](store::transaction& t) { value.emplace(work(t)); });
      return std::move(*value);
    }
  }

  // Connects now, if it is not connected (a connection_error if it
  // cannot), so that a later first call does not pay for it.
  void connect();

  // Whether a transaction is open on this session:
  // every call joins it, and a write that fails rolls all of it back. What
  // would rather check than fail (a reservation whose stream may exist)
  // checks first.
  bool in_transaction() const noexcept;

 private:
  friend struct detail::access;
  detail::connection& connection() const;
  void run_transaction(const std::function<void(store::transaction&)>& work);

  std::unique_ptr<detail::connection> connection_;
};

// A transaction opened by session::transaction.
class transaction {
 public:
  transaction(const transaction&) = delete;
  transaction& operator=(const transaction&) = delete;

  using parameter = std::optional<std::string>;  // nullopt is SQL NULL

  // Runs one parameterised statement of the application's ($1, $2, ...) and
  // returns how many rows it affected.
  std::int64_t execute(std::string_view sql, std::initializer_list<parameter> parameters = {});

  // Runs one parameterised query and returns its rows, each field as text
  // (nullopt for NULL).
  using row = std::vector<std::optional<std::string>>;
  std::vector<row> query(std::string_view sql, std::initializer_list<parameter> parameters = {});

  // Whether a statement in it failed, whoever caught the error: it cannot
  // commit any more (the session's transaction call ends with a
  // store_error), so there is no point going on.
  bool failed() const noexcept;

  // From now on (true) a write to another category than the one its writes
  // went to is refused before it is sent, with an evt::other_category_error:
  // Message DB locks a category from a transaction's first write to it
  // until its commit, and two transactions that each hold one category and
  // want the other's deadlock (a second lost, until the server picks one).
  // A consumer's batch (evt::consumer::commits::per_batch) is kept to one
  // category while its handlers run, and let go for its position.
  void keep_to_one_category(bool keep) noexcept;
  // The messages written in it so far (through evt::store), and the writes
  // refused for their category.
  std::int64_t writes() const noexcept;
  std::int64_t refused_writes() const noexcept;

 private:
  friend class session;
  friend struct detail::access;
  explicit transaction(detail::connection& connection) : connection_{connection} {}
  detail::connection& connection_;
};

}  // namespace evt::store
