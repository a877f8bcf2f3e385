#pragma once

#include "api/answer.hpp"
#include "api/connections.hpp"
#include "api/credentials.hpp"
#include "api/outcomes.hpp"

#include <evt/log.hpp>
#include <evt/metrics/requests.hpp>
#include <evt/store/settings.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace httplib {
class Server;
}  // namespace httplib

namespace account_api {

// What a deposit or withdrawal route moves: its command, the route's word,
// the member naming the command's id, and the word its problems use.
struct movement {
  std::string command;
  std::string route;
  std::string id_member;
  std::string noun;
  static const movement deposit;
  static const movement withdrawal;
};

// A route as the OpenAPI document names it: "POST", "/accounts/{id}/deposits".
struct route {
  std::string method;
  std::string path;
  bool operator==(const route&) const = default;
};

// The account component over HTTP (README, "The HTTP API"). Every POST is
// idempotent by its Idempotency-Key header: the key, scoped to the caller's
// client (credentials.hpp), names a record in the message store
// (evt::idempotency, in 16 categories accountApi:idempotency0 ... f, by its
// id's first hex digit, so that records do not queue behind one category
// lock) that holds the
// request's fingerprint (method, path, body as parsed) and, once answered,
// the answer: a repeated request is answered from it, marked
// "Idempotent-Replayed: true", by any instance and after any restart; a
// key reused for another request is a 422; a key whose first request is
// still being answered is a 409 (Retry-After: 1). The command a POST writes
// carries an id derived from the client, the key and the request
// (name-based UUIDs), so the account component's reservation applies it
// once, whatever happened to the request, its record or the API.
class service {
 public:
  struct settings {
    // How long a POST waits for its command's outcome before it answers 202.
    std::chrono::milliseconds wait{2000};
    // How long a POST holds its key beyond `wait` (its record's lease): a
    // retry after the API was killed mid-request gets 409 until then.
    std::chrono::milliseconds lease{std::chrono::seconds{10}};
    // How long an answer is kept for replays, from when it was given.
    std::chrono::milliseconds retention{std::chrono::hours{24}};
    std::size_t max_body = 16 * 1024;
    std::size_t threads = 16;
    evt::store::settings store{};
    std::chrono::milliseconds poll_interval{5};  // the outcomes' watcher, while nothing is new
    evt::log_sink log = nullptr;
  };

  static constexpr const char* idempotency_category = "accountApi:idempotency";  // + a hex digit

  service(settings settings, credentials credentials);

  // Serves the routes on `server` (its request threads, body limit and
  // problem answers for what httplib refuses), each answer counted in
  // `requests`.
  void serve_on(httplib::Server& server, evt::metrics::requests& requests);

  // Every route served, /openapi.json included.
  static const std::vector<route>& routes();

  // What a handler is given of its request.
  struct call {
    std::vector<std::string> parameters;  // the path's, in order
    std::optional<std::string> authorization;
    std::vector<std::string> idempotency_keys;  // every Idempotency-Key header
    std::optional<std::string> content_type;
    std::optional<std::string> if_none_match;
    std::string body;
  };
  using handler = std::function<answer(service&, const call&)>;

  // The routes' handlers. A refusal is thrown as a problem_error.
  answer open_account(const call& call);
  answer move_money(const call& call, const movement& kind);
  answer show_account(const call& call);
  answer show_movement(const call& call, const movement& kind);

 private:

  std::string client_of(const call& call) const;
  // Runs `operation` once per client and key, answering repeats from the
  // record; `check` refuses a request before anything is recorded (a new
  // request only). `operation` is told whether it takes over a request
  // that was cut off.
  answer idempotently(const std::string& client, const std::string& key, const std::string& fingerprint,
                      connections::connection& connection, const std::function<void()>& check,
                      const std::function<answer(bool resumed)>& operation);
  // The outcome of a command written now: waited for, then looked up
  // (first looked up when the request takes over a cut-off one).
  std::optional<outcome> outcome_of(connections::connection& connection, const awaited& awaited, bool resumed,
                                    const std::function<void()>& write);

  settings settings_;
  credentials credentials_;
  connections connections_;
  outcomes outcomes_;
};

}  // namespace account_api
