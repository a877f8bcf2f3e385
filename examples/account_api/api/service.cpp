#include "api/service.hpp"

#include "api/bodies.hpp"
#include "api/idempotency_key.hpp"
#include "api/openapi.hpp"
#include "client/client.hpp"
#include "component/validation.hpp"

#include <evt/error.hpp>
#include <evt/error_kind.hpp>
#include <evt/idempotence_key.hpp>
#include <evt/idempotency/manager.hpp>
#include <evt/idempotency/message_store_storage.hpp>
#include <evt/uuid.hpp>
#include <evt/write/writer.hpp>

#include <boost/hana.hpp>

#include <algorithm>
#include <array>
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
  // "." and ".." would be dot segments, which clients resolve away.
  const bool dots = text == "." || text == "..";
  std::string out;
  for (const unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || (c == '.' && !dots) || c == '_' || c == '~') {
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
std::string movements_path(const std::string& account_id, const movement& kind) {
  return account_path(account_id) + "/" + kind.route;
}
std::string movement_path(const std::string& account_id, const movement& kind, const std::string& key) {
  return movements_path(account_id, kind) + "/" + path_segment(key);
}

// A request as the record compares it: method, path and body as parsed.
std::string fingerprint(std::string_view path, const json& body) { return "POST " + std::string{path} + " " + body.dump(); }

// The record of a client's key.
std::string record_id(const std::string& client, const std::string& key) {
  return evt::name_uuid("account-api request\n" + client + "\n" + key);
}
// Where a record lives: Message DB holds a category's lock from each write
// until its commit, so with one category every request's two record writes
// would queue behind every other's (measured: 35 ms each at 32 requests at
// once, against 8 ms spread over 16). The first hex digit of the record's
// id picks one of 16: accountApi:idempotency0 ... accountApi:idempotencyf.
std::string records_category(const std::string& record) {
  return std::string{service::idempotency_category} + record.front();
}

// The id a request's command carries (its deposit, withdrawal or account
// id): the same request always names the same command, whenever it is
// made, and another request never does, even with the key once its record
// has expired; another client's never.
std::string command_id(const std::string& client, const std::string& key, const std::string& fingerprint) {
  return evt::name_uuid("account-api command\n" + client + "\n" + key + "\n" + fingerprint);
}

problem_error unknown_account(const std::string& account_id, std::string_view detail) {
  return problem_error{problem(404, "unknown-account", "No such account", detail, {{"accountId", account_id}})};
}

// What the component takes for an account id (validation.hpp), and
// printable ASCII: a path is percent-decoded, and the store refuses what is
// not UTF-8 and cuts parameters at a NUL.
void check_account_id(const std::string& account_id) {
  const bool printable = std::all_of(account_id.begin(), account_id.end(), [](char c) { return c > 0x20 && c < 0x7f; });
  if (!printable || account_id.size() > evt::max_idempotence_key_size) {
    throw unknown_account(account_id, "An account id is printable ASCII, at most 255 bytes");
  }
  if (const auto refused = account_component::account_problem(account_id, {})) throw unknown_account(account_id, *refused);
}

// The refusals that say the account cannot take a movement now: made
// before anything is recorded, so the same key with a corrected request is
// a new request.
void require_open(const account_component::Account& account, const std::string& account_id) {
  if (!account.is_open()) throw unknown_account(account_id, "Account " + account_id + " is not open");
}

void check_movable(connections::connection& connection, const std::string& account_id) {
  const auto [account, version] = connection.accounts.fetch_current(account_id);
  require_open(account, account_id);
  if (account.is_closed()) {
    throw problem_error{problem(403, "account-closed", "The account is closed",
                                "Account " + account_id + " takes no more deposits or withdrawals",
                                {{"accountId", account_id}})};
  }
}

problem_error unknown_movement(const movement& kind, const std::string& key, std::string_view detail) {
  return problem_error{problem(404, "unknown-" + kind.noun, "No such " + kind.noun, detail, {{"idempotencyKey", key}})};
}

json account_json(const account_component::Account& account, std::int64_t version) {
  return {{"id", account.id},
          {"customerId", account.customer_id},
          {"balance", account.balance.to_string()},
          {"status", account.is_closed() ? "closed" : "open"},
          {"version", version}};
}

json movement_json(const movement& kind, const std::string& account_id, const std::string& key, const std::string& id,
                   const outcome& found) {
  return {{"accountId", account_id},
          {"idempotencyKey", key},
          {kind.id_member, id},
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

answer pending_movement(const movement& kind, const std::string& account_id, const std::string& key,
                        const std::string& id) {
  return pending(movement_path(account_id, kind, key),
                 {{"accountId", account_id}, {"idempotencyKey", key}, {kind.id_member, id}});
}

answer in_flight() {
  auto busy = problem(409, "request-in-flight", "A request with this Idempotency-Key is being answered",
                      "Retry after a moment: the answer will then be replayed");
  busy.retry_after = std::chrono::seconds{1};
  return busy;
}

answer reused(const std::string& key) {
  return problem(422, "idempotency-key-reused", "This Idempotency-Key was used for another request",
                 "A key names one request (method, path and body); use a new key for a new request",
                 {{"idempotencyKey", key}});
}

answer replayed(const evt::idempotency::typed_record<recorded_answer, evt::idempotency::failure>& completed) {
  const auto& recorded = *completed.result;
  answer replay{.status = static_cast<int>(recorded.status),
                .body = recorded.body,
                .location = recorded.location,
                .replayed = true};
  if (replay.status == 202) replay.retry_after = std::chrono::seconds{1};
  return replay;
}

// If-None-Match: "*", or a list of entity tags compared weakly (RFC 9110).
bool matches_etag(std::string_view if_none_match, std::string_view etag) {
  std::size_t start = 0;
  while (start <= if_none_match.size()) {
    auto end = if_none_match.find(',', start);
    if (end == std::string_view::npos) end = if_none_match.size();
    auto tag = if_none_match.substr(start, end - start);
    while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
    while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == "*" || tag == etag) return true;
    start = end + 1;
  }
  return false;
}

// What httplib may hand over as a method: anything a client wrote. The
// metrics take the methods of HTTP, and call the rest "other".
const std::string& method_label(const std::string& method) {
  static const std::array<std::string, 8> known{"GET", "POST", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS", "other"};
  const auto found = std::find(known.begin(), known.end() - 1, method);
  return *found;
}

// What is read from a request outside its handler: set by the pre-routing
// handler and the route, read by the logger, on the request's thread.
thread_local std::optional<clock::time_point> request_started;
thread_local const std::string* request_route = nullptr;

}  // namespace

const movement movement::deposit{.command = "Deposit", .route = "deposits", .id_member = "depositId", .noun = "deposit"};
const movement movement::withdrawal{
    .command = "Withdraw", .route = "withdrawals", .id_member = "withdrawalId", .noun = "withdrawal"};

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
                             connections::connection& connection, const std::function<void()>& check,
                             const std::function<answer(bool resumed)>& operation) {
  const auto id = record_id(client, key);
  evt::idempotency::message_store_storage storage{connection.session, records_category(id)};
  records answers{storage, {.lease = settings_.wait + settings_.lease, .retention = settings_.retention}};
  const auto earlier = answers.get(id);
  if (earlier) {
    if (earlier->stored.context != fingerprint) return reused(key);
    if (earlier->status() == evt::idempotency::status::success) return replayed(*earlier);
    if (!earlier->stored.lease_expired(evt::now())) return in_flight();
    // Pending without a holder: its request was cut off (a crash, a lost
    // store); this one takes over.
  } else {
    try {
      check();
    } catch (const problem_error&) {
      // A twin of this request may have passed the check and taken the key
      // meanwhile (the account closed in between): its answer is this one's.
      const auto twin = answers.get(id);
      if (twin && twin->stored.context == fingerprint) {
        return twin->status() == evt::idempotency::status::success ? replayed(*twin) : in_flight();
      }
      throw;
    }
  }
  const auto holder = evt::idempotency::holder::make();
  try {
    if (!answers.initiate(holder, id, fingerprint)) {
      // Another request with the key got there since.
      const auto now_recorded = answers.get(id);
      if (now_recorded && now_recorded->status() == evt::idempotency::status::success) return replayed(*now_recorded);
      return in_flight();
    }
  } catch (const evt::fingerprint_mismatch_error&) {
    return reused(key);
  }
  answer answered;
  try {
    answered = operation(earlier.has_value());
  } catch (...) {
    // No answer to record (the store out of reach, or a bug): the key is
    // given up, and the same request may be made again (its command, if
    // written, applies once).
    try {
      answers.release(holder, id);
    } catch (const std::exception&) {
      // The lease runs out instead.
    }
    throw;
  }
  try {
    answers.success(holder, id,
                    recorded_answer{.status = answered.status, .body = answered.body, .location = answered.location});
  } catch (const evt::lease_lost_error&) {
    // This request took longer than its lease and another took the key
    // over: both wrote the same command, and the record is the other's to
    // complete (with the same outcome, or a 202 for it).
    evt::log_or_stderr(settings_.log, "Key taken over while answered (Record: " + id + ")");
  } catch (const std::exception& error) {
    // The answer is the operation's all the same; the key stays pending
    // until its lease runs out, and a retry then finds the same outcome.
    evt::log_or_stderr(settings_.log, "Answer not recorded (Record: " + id + ", Error: " + error.what() + ")");
  }
  return answered;
}

std::optional<outcome> service::outcome_of(connections::connection& connection, const awaited& awaited, bool resumed,
                                           const std::function<void()>& write) {
  auto expectation = outcomes_.expect(awaited);
  // A request taking over a cut-off one: its command may have had its
  // outcome already, before the watcher could see it (registered first, so
  // that one coming meanwhile is not missed either).
  if (resumed) {
    if (auto found = look_up(connection.session, awaited)) return found;
  }
  write();
  if (auto found = expectation.wait(clock::now() + settings_.wait)) return found;
  return look_up(connection.session, awaited);
}

answer service::open_account(const call& call) {
  const auto client = client_of(call);
  const auto key = idempotency_key(call.idempotency_keys);
  check_json_content_type(call.content_type);
  const auto body = parse_open(call.body);
  const auto request = fingerprint("/accounts", {{"customerId", body.customer_id}});
  const auto account_id = command_id(client, key, request);
  auto connection = connections_.borrow();
  return idempotently(client, key, request, *connection, [] {}, [&](bool resumed) {
    auto write = evt::writer::build(connection->session);
    const auto found = outcome_of(*connection, {.account_id = account_id, .command = "Open"}, resumed,
                                  [&] { account_component::client::open(write, account_id, body.customer_id); });
    if (!found) return pending(account_path(account_id), {{"id", account_id}});
    auto created = json_answer(201, account_json(found->account, found->position));
    created.location = account_path(account_id);
    return created;
  });
}

answer service::move_money(const call& call, const movement& kind) {
  const auto client = client_of(call);
  const auto key = idempotency_key(call.idempotency_keys);
  check_json_content_type(call.content_type);
  const auto body = parse_amount(call.body);
  const auto& account_id = call.parameters.at(0);
  check_account_id(account_id);
  const auto request = fingerprint(movements_path(account_id, kind), {{"amount", body.amount.to_string()}});
  const auto id = command_id(client, key, request);
  const auto location = movement_path(account_id, kind, key);
  auto connection = connections_.borrow();
  const auto check = [&] { check_movable(*connection, account_id); };
  return idempotently(client, key, request, *connection, check, [&](bool resumed) {
    auto write = evt::writer::build(connection->session);
    const auto found =
        outcome_of(*connection, {.account_id = account_id, .command = kind.command, .key = id}, resumed, [&] {
          if (&kind == &movement::deposit) {
            account_component::client::deposit(write, account_id, body.amount, id);
          } else {
            account_component::client::withdraw(write, account_id, body.amount, id);
          }
        });
    if (!found) return pending_movement(kind, account_id, key, id);
    const auto moved = movement_json(kind, account_id, key, id, *found);
    auto answered = found->type == "WithdrawalRejected"
                        ? problem(403, "insufficient-funds", "Withdrawal rejected: insufficient funds",
                                  "The balance is less than the amount", moved)
                        : json_answer(201, moved);
    answered.location = location;
    return answered;
  });
}

answer service::show_account(const call& call) {
  client_of(call);
  const auto& account_id = call.parameters.at(0);
  check_account_id(account_id);
  auto connection = connections_.borrow();
  const auto [account, version] = connection->accounts.fetch_current(account_id);
  require_open(account, account_id);
  const auto etag = "\"" + std::to_string(version) + "\"";
  if (call.if_none_match && matches_etag(*call.if_none_match, etag)) return answer{.status = 304, .body = {}, .etag = etag};
  auto shown = json_answer(200, account_json(account, version));
  shown.etag = etag;
  return shown;
}

answer service::show_movement(const call& call, const movement& kind) {
  const auto client = client_of(call);
  const auto& account_id = call.parameters.at(0);
  check_account_id(account_id);
  // The key as the Location wrote it: the header's key, unquoted already.
  const auto& key = call.parameters.at(1);
  if (const auto unusable = key_problem(key)) throw unknown_movement(kind, key, *unusable);
  auto connection = connections_.borrow();
  const auto id_of_record = record_id(client, key);
  evt::idempotency::message_store_storage storage{connection->session, records_category(id_of_record)};
  records answers{storage, {.retention = settings_.retention}};
  const auto made = answers.get(id_of_record);
  // Only this client's request with this key, to this account and route.
  if (!made || !made->stored.context.starts_with("POST " + movements_path(account_id, kind) + " ")) {
    throw unknown_movement(kind, key, "This client made no " + kind.noun + " with this key on this account");
  }
  const auto id = command_id(client, key, made->stored.context);
  if (const auto found = look_up(connection->session, {.account_id = account_id, .command = kind.command, .key = id})) {
    return json_answer(200, movement_json(kind, account_id, key, id, *found));
  }
  // Still coming: its request is being answered, or was answered 202.
  const bool answered = made->status() == evt::idempotency::status::success;
  if ((answered && made->result->status == 202) || (!answered && !made->stored.lease_expired(evt::now()))) {
    return pending_movement(kind, account_id, key, id);
  }
  // Its request was cut off (or the store went away) before an answer: its
  // command may be written or not. Made again with the same key it names
  // the same command, which applies once either way; with a new key it
  // would be another deposit.
  throw unknown_movement(kind, key,
                         "No " + kind.noun + " yet, and no request is answering it: POST the same request again with "
                         "the same Idempotency-Key (it names the same " + kind.noun + ", which applies once)");
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
       [](service& api, const service::call& call) { return api.move_money(call, movement::deposit); }},
      {{"POST", "/accounts/{id}/withdrawals"}, R"(/accounts/([^/]+)/withdrawals)",
       [](service& api, const service::call& call) { return api.move_money(call, movement::withdrawal); }},
      {{"GET", "/accounts/{id}/deposits/{key}"}, R"(/accounts/([^/]+)/deposits/(.+))",
       [](service& api, const service::call& call) { return api.show_movement(call, movement::deposit); }},
      {{"GET", "/accounts/{id}/withdrawals/{key}"}, R"(/accounts/([^/]+)/withdrawals/(.+))",
       [](service& api, const service::call& call) { return api.show_movement(call, movement::withdrawal); }},
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
      call given{.parameters = {},
                 .authorization = header(request, "Authorization"),
                 .idempotency_keys = {},
                 .content_type = header(request, "Content-Type"),
                 .if_none_match = header(request, "If-None-Match"),
                 .body = request.body};
      for (std::size_t i = 1; i < request.matches.size(); ++i) given.parameters.push_back(request.matches[i].str());
      for (std::size_t i = 0; i < request.get_header_value_count("Idempotency-Key"); ++i) {
        given.idempotency_keys.push_back(request.get_header_value("Idempotency-Key", i));
      }
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

  server.set_pre_routing_handler([](const httplib::Request& request, httplib::Response&) {
    request_started = clock::now();
    request_route = nullptr;
    // httplib would cut any answer to the range asked for, a 201 or a
    // problem included; a server may ignore Range (RFC 9110), and this one
    // always answers whole. httplib hands the handlers a request it owns
    // and made mutable; its parsed ranges are all that is changed.
    const_cast<httplib::Request&>(request).ranges.clear();
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // What httplib answers itself (no such route, a body over the limit, a
  // request it cannot parse) is a problem too.
  server.set_error_handler(httplib::Server::HandlerWithResponse{[](const httplib::Request& request,
                                                                    httplib::Response& response) {
    // A Range httplib cannot take is refused before any route runs (416);
    // what it parsed of it would still cut this answer.
    const_cast<httplib::Request&>(request).ranges.clear();
    if (!response.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    const auto refused = response.status == 416
                             ? problem(416, "range-unsupported", "A Range this server cannot read",
                                       "Answers are whole: send no Range header")
                         : response.status == 413
                             ? problem(413, "body-too-large", "The request's body is too large", "See --max-body-bytes")
                         : response.status == 404
                             ? problem(404, "no-such-route", "No such route", "GET /openapi.json lists the routes")
                             : problem(response.status, "bad-request", "The request could not be read",
                                       "httplib answered " + std::to_string(response.status));
    response.set_content(refused.body, std::string{refused.content_type()});
    return httplib::Server::HandlerResponse::Handled;
  }});
  server.set_logger([&requests](const httplib::Request& request, const httplib::Response& response) {
    static const std::string unmatched = "unmatched";
    const auto took = request_started ? clock::now() - *request_started : clock::duration{};
    requests.record(request_route != nullptr ? *request_route : unmatched, method_label(request.method), response.status,
                    took);
    request_started.reset();
    request_route = nullptr;
  });
}

}  // namespace account_api
