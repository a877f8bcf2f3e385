#include "api/service.hpp"

#include "api/bodies.hpp"
#include "api/idempotency_key.hpp"
#include "api/openapi.hpp"
#include "client/client.hpp"
#include "component/validation.hpp"

#include <evt/error.hpp>
#include <evt/error_kind.hpp>
#include <evt/idempotency/manager.hpp>
#include <evt/idempotency/message_store_storage.hpp>
#include <evt/uuid.hpp>
#include <evt/write/writer.hpp>

#include <boost/hana.hpp>
#include <httplib.h>

namespace account_api {
namespace {

using json = nlohmann::json;
using clock = std::chrono::steady_clock;

// An answer as its record keeps it: what a replay gives back.
struct recorded_answer {
  BOOST_HANA_DEFINE_STRUCT(recorded_answer, (std::int64_t, status), (std::string, body), (std::string, location));
};
using records = evt::idempotency::manager<recorded_answer>;

// Unreserved characters stay, everything else is %XX (RFC 3986), so a key
// is one path segment of a Location.
std::string path_segment(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string account_path(const std::string& account_id) { return "/accounts/" + path_segment(account_id); }

// "Deposit" → deposits, "Withdraw" → withdrawals: the route's word and its id's name.
std::string movements(const std::string& command) { return command == "Deposit" ? "deposits" : "withdrawals"; }
std::string id_member(const std::string& command) { return command == "Deposit" ? "depositId" : "withdrawalId"; }

// Ids derived from the client and its key: the same request always names
// the same account or movement, another client's never.
std::string derived_id(std::string_view what, const std::string& client, const std::string& key) {
  return evt::name_uuid("account-api " + std::string{what} + "\n" + client + "\n" + key);
}

json account_json(const account_component::Account& account, std::int64_t version) {
  return {{"id", account.id},
          {"customerId", account.customer_id},
          {"balance", account.balance.to_string()},
          {"status", account.is_closed() ? "closed" : "open"},
          {"version", version}};
}

json movement_json(const std::string& command, const std::string& account_id, const std::string& key,
                   const std::string& id, const outcome& found) {
  return {{"accountId", account_id},
          {"idempotencyKey", key},
          {id_member(command), id},
          {"outcome", found.type},
          {"amount", found.amount.to_string()},
          {"balance", found.account.balance.to_string()},
          {"position", found.position}};
}

answer pending(const std::string& location, json body) {
  body["status"] = "pending";
  auto accepted = json_answer(202, body);
  accepted.location = location;
  accepted.retry_after = std::chrono::seconds{1};
  return accepted;
}

answer in_flight() {
  auto busy = problem(409, "request-in-flight", "A request with this Idempotency-Key is being answered",
                      "Retry after a moment: the answer will then be replayed");
  busy.retry_after = std::chrono::seconds{1};
  return busy;
}

// The refusals that say the account cannot take a movement now: not
// recorded (nothing happened), so the same request may be made again.
void check_movable(connections::connection& connection, const std::string& account_id) {
  const auto [account, version] = connection.accounts.fetch_current(account_id);
  if (!account.is_open()) {
    throw problem_error{problem(404, "unknown-account", "No such account", "Account " + account_id + " is not open",
                                {{"accountId", account_id}})};
  }
  if (account.is_closed()) {
    throw problem_error{problem(403, "account-closed", "The account is closed",
                                "Account " + account_id + " takes no more deposits or withdrawals",
                                {{"accountId", account_id}})};
  }
}

void check_account_id(const std::string& account_id) {
  if (const auto refused = account_component::account_problem(account_id, {})) {
    throw problem_error{problem(404, "unknown-account", "No such account", *refused, {{"accountId", account_id}})};
  }
}

// What is read from a request before its handler: set by the pre-routing
// handler and the route, read by the logger, on the request's thread.
thread_local std::optional<clock::time_point> request_started;
thread_local const std::string* request_route = nullptr;

}  // namespace

service::service(settings settings, credentials credentials)
    : settings_{std::move(settings)},
      credentials_{std::move(credentials)},
      connections_{settings_.store, settings_.threads},
      outcomes_{outcomes::settings{.store = settings_.store, .poll_interval = settings_.poll_interval, .log = settings_.log}} {}

std::string service::client_of(const call& call) const {
  auto client = credentials_.client(call.authorization);
  if (!client) {
    throw problem_error{problem(401, "unauthorized", "Who is asking?",
                                "Requests carry \"Authorization: Bearer <token>\" with a token the API knows")};
  }
  return *client;
}

answer service::idempotently(const std::string& client, const std::string& key, const std::string& fingerprint,
                             connections::connection& connection, const std::function<answer()>& operation) {
  evt::idempotency::message_store_storage storage{connection.session, idempotency_category};
  records answers{storage, {.lease = settings_.wait + settings_.lease, .retention = settings_.retention}};
  const auto record_key = derived_id("request", client, key);
  const auto holder = evt::idempotency::holder::make();
  try {
    if (!answers.initiate(holder, record_key, fingerprint)) {
      const auto earlier = answers.get(record_key);
      if (!earlier || earlier->status() != evt::idempotency::status::success) return in_flight();
      const auto& recorded = *earlier->result;
      return answer{.status = static_cast<int>(recorded.status),
                    .body = recorded.body,
                    .location = recorded.location,
                    .replayed = true};
    }
  } catch (const evt::fingerprint_mismatch_error&) {
    return problem(422, "idempotency-key-reused", "This Idempotency-Key was used for another request",
                   "A key names one request (method, path and body); use a new key for a new request",
                   {{"idempotencyKey", key}});
  }
  std::optional<answer> answered;
  try {
    answered = operation();
  } catch (...) {
    // Nothing to record: a refusal, or the store out of reach. The same
    // request may be made again (its command, if written, applies once).
    try {
      answers.release(holder, record_key);
    } catch (const std::exception&) {
      // The lease runs out instead.
    }
    throw;
  }
  try {
    answers.success(holder, record_key,
                    recorded_answer{.status = answered->status, .body = answered->body, .location = answered->location});
  } catch (const std::exception& error) {
    // The answer is the operation's all the same; the key stays pending
    // until its lease runs out, and a retry then finds the same outcome.
    evt::log_or_stderr(settings_.log, "Answer not recorded (Key: " + record_key + ", Error: " + error.what() + ")");
  }
  return *answered;
}

std::optional<outcome> service::outcome_of(connections::connection& connection, const awaited& awaited,
                                           const std::function<void()>& write) {
  auto expectation = outcomes_.expect(awaited);
  write();
  if (auto found = expectation.wait(clock::now() + settings_.wait)) return found;
  return look_up(connection.session, awaited);
}

answer service::open_account(const call& call) {
  const auto client = client_of(call);
  const auto key = idempotency_key(call.idempotency_key);
  check_json_content_type(call.content_type);
  const auto body = parse_open(call.body);
  const auto account_id = derived_id("account", client, key);
  auto connection = connections_.borrow();
  const auto fingerprint = "POST /accounts " + json{{"customerId", body.customer_id}}.dump();
  return idempotently(client, key, fingerprint, *connection, [&] {
    auto write = evt::writer::build(connection->session);
    const auto found = outcome_of(*connection, {.account_id = account_id, .command = "Open"},
                                  [&] { account_component::client::open(write, account_id, body.customer_id); });
    if (!found) return pending(account_path(account_id), {{"id", account_id}});
    auto created = json_answer(201, account_json(found->account, found->position));
    created.location = account_path(account_id);
    return created;
  });
}

answer service::move_money(const call& call, const std::string& command) {
  const auto client = client_of(call);
  const auto key = idempotency_key(call.idempotency_key);
  check_json_content_type(call.content_type);
  const auto body = parse_amount(call.body);
  const auto& account_id = call.parameters.at(0);
  check_account_id(account_id);
  const auto id = derived_id(command, client, key);
  const auto location = account_path(account_id) + "/" + movements(command) + "/" + path_segment(key);
  auto connection = connections_.borrow();
  const auto fingerprint = "POST " + account_path(account_id) + "/" + movements(command) + " " +
                           json{{"amount", body.amount.to_string()}}.dump();
  return idempotently(client, key, fingerprint, *connection, [&] {
    check_movable(*connection, account_id);
    auto write = evt::writer::build(connection->session);
    const auto found =
        outcome_of(*connection, {.account_id = account_id, .command = command, .key = id}, [&] {
          if (command == "Deposit") {
            account_component::client::deposit(write, account_id, body.amount, id);
          } else {
            account_component::client::withdraw(write, account_id, body.amount, id);
          }
        });
    if (!found) return pending(location, {{"accountId", account_id}, {"idempotencyKey", key}, {id_member(command), id}});
    const auto movement = movement_json(command, account_id, key, id, *found);
    if (found->type == "WithdrawalRejected") {
      auto rejected = problem(403, "insufficient-funds", "Withdrawal rejected: insufficient funds",
                              "The balance is less than the amount", movement);
      rejected.location = location;
      return rejected;
    }
    auto created = json_answer(201, movement);
    created.location = location;
    return created;
  });
}

answer service::show_account(const call& call) {
  client_of(call);
  const auto& account_id = call.parameters.at(0);
  check_account_id(account_id);
  auto connection = connections_.borrow();
  const auto [account, version] = connection->accounts.fetch_current(account_id);
  if (!account.is_open()) {
    throw problem_error{problem(404, "unknown-account", "No such account", "Account " + account_id + " is not open",
                                {{"accountId", account_id}})};
  }
  const auto etag = "\"" + std::to_string(version) + "\"";
  if (call.if_none_match == etag) return answer{.status = 304, .body = {}, .etag = etag};
  auto shown = json_answer(200, account_json(account, version));
  shown.etag = etag;
  return shown;
}

answer service::show_movement(const call& call, const std::string& command) {
  const auto client = client_of(call);
  const auto& account_id = call.parameters.at(0);
  const auto& key = call.parameters.at(1);
  check_account_id(account_id);
  const auto id = derived_id(command, client, key);
  auto connection = connections_.borrow();
  if (const auto found = look_up(connection->session, {.account_id = account_id, .command = command, .key = id})) {
    return json_answer(200, movement_json(command, account_id, key, id, *found));
  }
  evt::idempotency::message_store_storage storage{connection->session, idempotency_category};
  records answers{storage, {.retention = settings_.retention}};
  if (answers.get(derived_id("request", client, key))) {
    return pending(account_path(account_id) + "/" + movements(command) + "/" + path_segment(key),
                   {{"accountId", account_id}, {"idempotencyKey", key}, {id_member(command), id}});
  }
  throw problem_error{problem(404, "unknown-" + std::string{command == "Deposit" ? "deposit" : "withdrawal"},
                              "No such " + std::string{command == "Deposit" ? "deposit" : "withdrawal"},
                              "This client made no request with this key on this account", {{"idempotencyKey", key}})};
}

namespace {

struct served_route {
  route named;
  std::string pattern;  // httplib's: the path as a regular expression
  service::handler handle;
};

const std::vector<served_route>& served_routes() {
  static const std::vector<served_route> all{
      {{"POST", "/accounts"}, R"(/accounts)", [](service& api, const service::call& call) { return api.open_account(call); }},
      {{"GET", "/accounts/{id}"}, R"(/accounts/([^/]+))",
       [](service& api, const service::call& call) { return api.show_account(call); }},
      {{"POST", "/accounts/{id}/deposits"}, R"(/accounts/([^/]+)/deposits)",
       [](service& api, const service::call& call) { return api.move_money(call, "Deposit"); }},
      {{"POST", "/accounts/{id}/withdrawals"}, R"(/accounts/([^/]+)/withdrawals)",
       [](service& api, const service::call& call) { return api.move_money(call, "Withdraw"); }},
      {{"GET", "/accounts/{id}/deposits/{key}"}, R"(/accounts/([^/]+)/deposits/(.+))",
       [](service& api, const service::call& call) { return api.show_movement(call, "Deposit"); }},
      {{"GET", "/accounts/{id}/withdrawals/{key}"}, R"(/accounts/([^/]+)/withdrawals/(.+))",
       [](service& api, const service::call& call) { return api.show_movement(call, "Withdraw"); }},
      {{"GET", "/openapi.json"}, R"(/openapi\.json)",
       [](service&, const service::call&) { return json_answer(200, openapi()); }},
  };
  return all;
}

}  // namespace

const std::vector<route>& service::routes() {
  static const std::vector<route> all = [] {
    std::vector<route> named;
    for (const auto& served : served_routes()) named.push_back(served.named);
    return named;
  }();
  return all;
}

void service::serve_on(httplib::Server& server, evt::metrics::requests& requests) {
  const auto threads = settings_.threads;
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server.set_payload_max_length(settings_.max_body);

  const auto respond = [](httplib::Response& response, const answer& given) {
    response.status = given.status;
    if (given.status != 304) response.set_content(given.body, std::string{given.content_type()});
    if (!given.location.empty()) response.set_header("Location", given.location);
    if (!given.etag.empty()) response.set_header("ETag", given.etag);
    if (given.retry_after.count() > 0) response.set_header("Retry-After", std::to_string(given.retry_after.count()));
    if (given.replayed) response.set_header("Idempotent-Replayed", "true");
    if (given.status == 401) response.set_header("WWW-Authenticate", "Bearer realm=\"account-api\"");
  };
  const auto header = [](const httplib::Request& request, const char* name) -> std::optional<std::string> {
    if (!request.has_header(name)) return std::nullopt;
    return request.get_header_value(name);
  };

  for (const auto& served : served_routes()) {
    auto handle = [this, &served, respond, header](const httplib::Request& request, httplib::Response& response) {
      request_route = &served.named.path;
      call given{.method = request.method,
                 .parameters = {},
                 .authorization = header(request, "Authorization"),
                 .idempotency_key = header(request, "Idempotency-Key"),
                 .content_type = header(request, "Content-Type"),
                 .if_none_match = header(request, "If-None-Match"),
                 .body = request.body};
      for (std::size_t i = 1; i < request.matches.size(); ++i) given.parameters.push_back(request.matches[i].str());
      answer answered;
      try {
        answered = served.handle(*this, given);
      } catch (const problem_error& refused) {
        answered = refused.refusal;
      } catch (const std::exception& error) {
        const auto kind = evt::kind_of(error);
        const bool outage = kind == evt::error_kind::transient || kind == evt::error_kind::conflict;
        evt::log_or_stderr(settings_.log, "Request not answered (Route: " + served.named.method + " " +
                                              served.named.path + ", Error: " + error.what() + ")");
        answered = outage ? problem(503, "store-unavailable", "The message store cannot be reached now",
                                    "Retry the same request with the same Idempotency-Key")
                          : problem(500, "internal", "The request could not be answered", "See the API's log");
        if (outage) answered.retry_after = std::chrono::seconds{1};
      }
      respond(response, answered);
    };
    if (served.named.method == "GET") {
      server.Get(served.pattern, handle);
    } else {
      server.Post(served.pattern, handle);
    }
  }

  server.set_pre_routing_handler([](const httplib::Request&, httplib::Response&) {
    request_started = clock::now();
    request_route = nullptr;
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // What httplib answers itself (no such route, a body over the limit, a
  // request it cannot parse) is a problem too.
  server.set_error_handler(httplib::Server::HandlerWithResponse{[](const httplib::Request&, httplib::Response& response) {
    if (!response.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    const auto refused = response.status == 413
                             ? problem(413, "body-too-large", "The request's body is too large", "See --max-body-bytes")
                         : response.status == 404
                             ? problem(404, "no-such-route", "No such route", "GET /openapi.json lists the routes")
                             : problem(response.status, "bad-request", "The request could not be read", "");
    response.set_content(refused.body, std::string{refused.content_type()});
    return httplib::Server::HandlerResponse::Handled;
  }});
  server.set_logger([&requests](const httplib::Request& request, const httplib::Response& response) {
    static const std::string unmatched = "unmatched";
    const auto took = request_started ? clock::now() - *request_started : clock::duration{};
    requests.record(request_route != nullptr ? *request_route : unmatched, request.method, response.status, took);
    request_started.reset();
    request_route = nullptr;
  });
}

}  // namespace account_api
