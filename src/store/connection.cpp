#include "store/connection.hpp"

#include <evt/stream_name.hpp>

#include <evt/error.hpp>

#include <libpq-fe.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace evt::store::detail {
namespace {

const std::string expected_version_text = "Wrong expected version: ";

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

bool whole_number(std::string_view text, std::int64_t& value) {
  const auto [end, status] = std::from_chars(text.data(), text.data() + text.size(), value);
  return status == std::errc{} && end == text.data() + text.size() && !text.empty();
}

// Message DB's text, "Wrong expected version: E (Stream: S, Stream Version: A)",
// read from both ends: the stream name may contain anything.
[[noreturn]] void fail_expected_version(const std::string& message, const std::string& sqlstate) {
  const std::string_view text{message};
  const auto start = text.find(expected_version_text) + expected_version_text.size();
  const auto stream_start = text.find(" (Stream: ", start);
  const auto actual_start = text.rfind(", Stream Version: ");
  std::int64_t expected = 0;
  std::int64_t actual = 0;
  if (stream_start == std::string_view::npos || actual_start == std::string_view::npos ||
      actual_start < stream_start + 10 || text.back() != ')' ||
      !whole_number(text.substr(start, stream_start - start), expected) ||
      !whole_number(text.substr(actual_start + 18, text.size() - actual_start - 19), actual)) {
    throw store_error{message, sqlstate};
  }
  throw expected_version_error{message.substr(stream_start + 10, actual_start - stream_start - 10), expected, actual};
}

// The server's own sentence: without its severity prefix ("ERROR:  ", or a
// translation of it) and without the DETAIL, HINT and CONTEXT lines.
std::string primary_text(const pqxx::failure& failure) {
  std::string text = failure.what();
  if (const auto prefix = text.find(":  "); prefix != std::string::npos && prefix < 16) text.erase(0, prefix + 3);
  for (const char* trailer : {"\nDETAIL:  ", "\nHINT:  ", "\nCONTEXT:  ", "\nQUERY:  "}) {
    if (const auto end = text.find(trailer); end != std::string::npos) text.erase(end);
  }
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

// The password a conninfo gives, as libpq reads it (decoded), if it parses.
std::optional<std::string> parsed_password(const std::string& conninfo, bool& parsed) {
  char* failure = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &failure);
  PQfreemem(failure);
  parsed = options != nullptr;
  std::optional<std::string> password;
  for (auto* option = options; option != nullptr && option->keyword != nullptr; ++option) {
    if (std::string_view{option->keyword} == "password" && option->val != nullptr && *option->val != '\0') {
      password = option->val;
    }
  }
  PQconninfoFree(options);
  return password;
}

// libpq quotes pieces of a conninfo in its errors ("invalid percent-encoded
// token: "..."", a host or port cut out of a URI password with a '/' in
// it...), and such a piece may be the password or part of it. So when the
// conninfo may carry a password at all, every quoted piece is blanked out,
// and the password itself wherever it appears: security over diagnostics.
std::string without_passwords(const std::string& text, const std::string& conninfo) {
  bool parsed = false;
  const auto password = parsed_password(conninfo, parsed);
  std::string lowered = conninfo;
  std::transform(lowered.begin(), lowered.end(), lowered.begin(), [](unsigned char c) { return std::tolower(c); });
  const bool uri = lowered.find("://") != std::string::npos;
  const bool may_carry = password || !parsed || lowered.find("assword") != std::string::npos ||
                         (uri && lowered.find('@') != std::string::npos);
  if (!may_carry) return text;
  std::string blanked;
  bool quoted = false;
  for (const char c : text) {
    if (c == '"') {
      blanked += quoted ? "********\"" : "\"";
      quoted = !quoted;
    } else if (!quoted) {
      blanked += c;
    }
  }
  if (quoted) blanked += "********";
  if (password) {
    for (auto at = blanked.find(*password); at != std::string::npos; at = blanked.find(*password, at + 8)) {
      blanked.replace(at, password->size(), "********");
    }
  }
  return blanked;
}

class receiver final : public pqxx::notification_receiver {
 public:
  receiver(pqxx::connection_base& connection, const std::string& channel, std::set<std::string, std::less<>>& notified)
      : pqxx::notification_receiver{connection, channel}, notified_{notified} {}
  void operator()(const std::string& payload, int) override { notified_.insert(payload); }

 private:
  std::set<std::string, std::less<>>& notified_;
};

}  // namespace

std::string context(const operation& operation) {
  std::string text = "Operation: " + std::string{operation.name};
  if (!operation.stream_name.empty()) text += ", Stream: " + std::string{operation.stream_name};
  return text;
}

void fail(const operation& operation, const pqxx::failure& failure) {
  const auto message = primary_text(failure);
  const auto* sql = dynamic_cast<const pqxx::sql_error*>(&failure);
  // libpqxx 6.4 reports these without an sql_error (and so without SQLSTATE).
  std::string sqlstate = sql != nullptr ? sql->sqlstate() : "";
  if (dynamic_cast<const pqxx::deadlock_detected*>(&failure) != nullptr) sqlstate = "40P01";
  if (dynamic_cast<const pqxx::serialization_failure*>(&failure) != nullptr) sqlstate = "40001";

  if (message.find(expected_version_text) != std::string::npos) fail_expected_version(message, sqlstate);
  if (sqlstate == "23505" && message.find("messages_id") != std::string::npos) {
    throw duplicate_message_id_error{"Message ID already exists (" + context(operation) + ")"};
  }
  if (starts_with(message, "Retrieval with SQL condition is not activated")) {
    throw condition_error{message + " (" + context(operation) + ")"};
  }
  if (starts_with(message, "Consumer group")) throw consumer_group_error{message};
  if ((sqlstate == "42P05" || sqlstate == "26000") && message.find("prepared statement \"evt_") != std::string::npos) {
    throw store_error{message + " (" + context(operation) + ", SQLSTATE: " + sqlstate +
                          "; behind a transaction pooler such as PgBouncer's pool_mode = transaction, add"
                          " evt_pool_mode=transaction to the conninfo)",
                      sqlstate};
  }
  if (sqlstate.empty()) throw store_error{message + " (" + context(operation) + ")", sqlstate};
  if (starts_with(message, "Must be a") || starts_with(message, "Correlation must be a category")) {
    throw stream_name_error{message};
  }
  throw store_error{message + " (" + context(operation) + ", SQLSTATE: " + sqlstate + ")", sqlstate};
}

in_use::in_use(connection& connection, const operation& operation) : connection_{connection} {
  auto user = std::thread::id{};
  const auto self = std::this_thread::get_id();
  if (connection.user.compare_exchange_strong(user, self)) {
    claimed_ = true;
  } else if (user != self) {
    throw error{"This session is in use by another thread; give each thread its own session (" + context(operation) + ")"};
  }
}

in_use::~in_use() {
  if (claimed_) connection_.user.store(std::thread::id{});
}

pqxx::connection& connection::open(const operation& operation) {
  if (native && native->is_open() && !lost) return *native;
  drop();
  // Outside the try: receivers made before a failure unregister from it in
  // the catch, before it goes.
  std::unique_ptr<pqxx::connection> fresh;
  try {
    fresh = std::make_unique<pqxx::connection>(settings.conninfo);
    // libpqxx 6.4 would otherwise connect again by itself, silently, inside
    // a call (its "reactivation"): a connection replaced behind evt's back
    // would keep caches and positions read from what may be another server
    // now (session::connection_generation). Deprecated, but the only way
    // to turn it off in 6.4.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    fresh->inhibit_reactivation(true);
#pragma GCC diagnostic pop
    // Times are read in ISO form, whatever PGDATESTYLE or the role says. A
    // transaction pooler keeps this one setting for its client: it is among
    // those the server reports (PgBouncer sets it on every server connection
    // it lends).
    // Sent with exec_params, not exec: libpqxx 6.4 loses the result of a
    // statement during which the server goes away (tests/support/
    // sanitizer_suppressions.cpp), and exec_params, unlike exec (a hidden
    // symbol), is a frame the sanitizers' default unwinder names.
    pqxx::nontransaction{*fresh}.exec_params("SET DateStyle = ISO");
    for (const auto& channel : channels) receivers.push_back(std::make_unique<receiver>(*fresh, channel, notified));
    native = std::move(fresh);
  } catch (const pqxx::failure& failure) {
    receivers.clear();
    fresh.reset();
    throw connection_error{"Cannot connect to the message store (" + context(operation) +
                           ", Cause: " + without_passwords(primary_text(failure), settings.conninfo) + ")"};
  }
  return *native;
}

void connection::listen(const std::string& channel) {
  // A LISTEN would stay on whichever server connection the pooler lent.
  if (settings.pool_mode == pool_mode::transaction) return;
  if (!channels.insert(channel).second) return;
  const operation listening{.name = "listen"};
  auto& opened = open(listening);
  if (receivers.size() == channels.size()) return;  // open() just connected and listened
  try {
    receivers.push_back(std::make_unique<receiver>(opened, channel, notified));
  } catch (const pqxx::failure& failure) {
    lost_or_failed(listening, failure);
  }
}

bool connection::await_notification(std::string_view payload, std::chrono::milliseconds timeout) {
  const auto take = [&] {
    const bool found = notified.find(payload) != notified.end();
    notified.clear();
    return found;
  };
  if (take()) return true;
  if (settings.pool_mode == pool_mode::transaction) {  // nothing is listened to: the caller polls
    std::this_thread::sleep_for(timeout);
    return false;
  }
  if (!native || lost) {
    // Listen again at once: what was written while nobody listened is for
    // the caller to read, so a reconnection counts as a notification.
    try {
      open({.name = "listen"});
      return true;
    } catch (const connection_error&) {
      std::this_thread::sleep_for(timeout);
      return false;
    }
  }
  try {
    native->await_notification(static_cast<long>(timeout.count() / 1000), static_cast<long>(timeout.count() % 1000 * 1000));
  } catch (const pqxx::failure&) {
    drop();
    return true;  // the caller's read finds out what happened
  }
  return take();
}

void connection::discard_notifications() noexcept {
  if (!receivers.empty() && native && !lost) {
    try {
      native->get_notifs();
    } catch (const pqxx::failure&) {
      // The read that follows finds out.
    }
  }
  notified.clear();
}

void connection::check_category(std::string_view stream_name) {
  if (transaction == nullptr) return;
  const auto written = evt::category(stream_name);
  if (one_category && written_category && *written_category != written) {
    ++refused_writes;
    throw other_category_error{"A write to another category than its transaction's, refused before it was sent: a "
                               "transaction kept to one category takes one category's lock (Stream: " +
                               std::string{stream_name} + ", Category: " + std::string{written} +
                               ", Transaction's Category: " + *written_category + ")"};
  }
  if (one_category) written_category = std::string{written};
  ++transaction_writes;
}

void connection::lost_or_failed(const operation& operation, const pqxx::failure& failure) {
  const auto* sql = dynamic_cast<const pqxx::sql_error*>(&failure);
  const std::string sqlstate = sql != nullptr ? sql->sqlstate() : "";
  // libpqxx 6.4 raises broken_connection for any SQLSTATE of class 08, 08P01
  // (protocol violation) included, which leaves the connection fine: what
  // counts is whether the connection is still up.
  // A statement's error and the connection's end can come in one failure
  // (a server crashing while it refuses a write): libpq's words for the
  // end say so even while libpqxx still calls the connection open.
  const bool server_gone = sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03" ||
                           std::string_view{failure.what()}.find("server closed the connection unexpectedly") !=
                               std::string_view::npos;
  const bool outcome_unknown = dynamic_cast<const pqxx::in_doubt_error*>(&failure) != nullptr ||
                               dynamic_cast<const pqxx::statement_completion_unknown*>(&failure) != nullptr;
  const bool broken = outcome_unknown || server_gone || !native || !native->is_open();
  if (!broken) fail(operation, failure);
  // A transaction still refers to the connection: it is dropped when the
  // transaction is gone.
  if (transaction == nullptr) {
    drop();
  } else {
    lost = true;
  }
  // Before its COMMIT, a transaction's writes are rolled back with the connection.
  const bool in_doubt = operation.writes && (transaction == nullptr || operation.commits);
  const std::string outcome = in_doubt                 ? "; the write may or may not have been committed"
                              : transaction != nullptr ? "; the transaction was rolled back"
                                                       : "";
  throw connection_error{"Connection to the message store lost" + outcome + " (" + context(operation) +
                             ", Cause: " + primary_text(failure) + ")",
                         in_doubt};
}

}  // namespace evt::store::detail
