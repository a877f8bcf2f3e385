// What the API reads from a request before it touches the store: the
// Idempotency-Key header, the bodies, the bearer tokens; and the OpenAPI
// document against the routes served.
#include "api/answer.hpp"
#include "api/bodies.hpp"
#include "api/credentials.hpp"
#include "api/idempotency_key.hpp"
#include "api/openapi.hpp"
#include "api/service.hpp"

#include <evt/error.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>
#include <unistd.h>
#include <string>

namespace {

using namespace account_api;

// The problem a refusal answers, or "accepted".
template <class Read>
std::string refusal(Read&& read) {
  try {
    read();
  } catch (const problem_error& refused) {
    const auto body = nlohmann::json::parse(refused.refusal.body);
    EXPECT_EQ(body["status"], refused.refusal.status);
    EXPECT_EQ(refused.refusal.content_type(), "application/problem+json");
    return std::to_string(refused.refusal.status) + " " + body["type"].get<std::string>();
  }
  return "accepted";
}

TEST(IdempotencyKeyHeader, IsAStructuredFieldStringOrABareTokenWithinTheToolkitsKeyRule) {
  EXPECT_EQ(idempotency_key({"\"8e03978e-40d5-43e8-bc93-6894a57f9324\""}), "8e03978e-40d5-43e8-bc93-6894a57f9324");
  EXPECT_EQ(idempotency_key({"8e03978e"}), "8e03978e");
  EXPECT_EQ(idempotency_key({R"("a \"quoted\" key\\")"}), R"(a "quoted" key\)");
  EXPECT_EQ(idempotency_key({std::string(255, 'k')}), std::string(255, 'k'));
  const auto bad = "400 /problems/idempotency-key";
  EXPECT_EQ(refusal([] { idempotency_key({}); }), bad);
  EXPECT_EQ(refusal([] { idempotency_key({""}); }), bad);
  EXPECT_EQ(refusal([] { idempotency_key({"   "}); }), bad);
  EXPECT_EQ(refusal([] { idempotency_key({std::string(256, 'k')}); }), bad);
  EXPECT_EQ(refusal([] { idempotency_key({"\"" + std::string(256, 'k') + "\""}); }), bad);
  EXPECT_EQ(refusal([] { idempotency_key({"a+b"}); }), bad);
  EXPECT_EQ(refusal([] { idempotency_key({"\"open"}); }), bad);
  EXPECT_EQ(refusal([] { idempotency_key({R"("a\nb")"}); }), bad);
  EXPECT_EQ(refusal([] { idempotency_key({"caf\xc3\xa9"}); }), bad);
  EXPECT_EQ(refusal([] { idempotency_key({"k1", "k1"}); }), bad);
  EXPECT_EQ(key_problem("\"x\""), std::nullopt);  // a key as written (quotes and all), as a Location holds it
  EXPECT_NE(key_problem("a+b"), std::nullopt);
  EXPECT_NE(key_problem("a\nb"), std::nullopt);
}

TEST(RequestBodies, AreJsonObjectsWithExactlyTheRoutesMembersAndExactAmounts) {
  EXPECT_EQ(parse_amount(R"({"amount": "11.50"})").amount.to_string(), "11.50");
  EXPECT_EQ(parse_amount(R"({"amount": 11.50})").amount.to_string(), "11.50");
  EXPECT_EQ(parse_amount(R"({"amount": 0.30000000000000004})").amount.to_string(), "0.30000000000000004");
  EXPECT_EQ(parse_amount(R"({"amount": 7})").amount.to_string(), "7");
  EXPECT_EQ(parse_open(R"({"customerId": "c-1"})").customer_id, "c-1");
  const auto malformed = "400 /problems/malformed-body";
  EXPECT_EQ(refusal([] { parse_amount(R"({"amount": "11.50")"); }), malformed);
  EXPECT_EQ(refusal([] { parse_amount(R"([1])"); }), malformed);
  EXPECT_EQ(refusal([] { parse_amount(R"({})"); }), malformed);
  EXPECT_EQ(refusal([] { parse_amount(R"({"amount": "ten"})"); }), malformed);
  EXPECT_EQ(refusal([] { parse_amount(R"({"amount": true})"); }), malformed);
  EXPECT_EQ(refusal([] { parse_amount(R"({"amount": "1", "ammount": "1"})"); }), malformed);
  EXPECT_EQ(refusal([] { parse_amount(std::string(600, '[')); }), malformed);
  EXPECT_EQ(refusal([] { parse_amount("{\"amount\": \"\xff\"}"); }), malformed);
  EXPECT_EQ(refusal([] { parse_open(R"({"customerId": ""})"); }), malformed);
  EXPECT_EQ(refusal([] { parse_open(R"({"customerId": 7})"); }), malformed);
  EXPECT_EQ(refusal([] { parse_open(R"({"customerId": "a\u0000b"})"); }), malformed);
  EXPECT_EQ(refusal([] { parse_open(R"({"customerId": "tab\there"})"); }), malformed);
  EXPECT_EQ(refusal([] { parse_open("{\"customerId\": \"\xff\"}"); }), malformed);
  EXPECT_EQ(parse_open(R"({"customerId": "Zo\u00eb"})").customer_id, "Zo\xc3\xab");
  const auto refused = "422 /problems/amount-refused";
  EXPECT_EQ(refusal([] { parse_amount(R"({"amount": "0"})"); }), refused);
  EXPECT_EQ(refusal([] { parse_amount(R"({"amount": -1})"); }), refused);
  EXPECT_EQ(refusal([] { parse_amount(R"({"amount": "1000000000000.01"})"); }), refused);
  EXPECT_EQ(refusal([] { parse_amount(R"({"amount": "1e131071"})"); }), refused);
  EXPECT_EQ(refusal([] { parse_amount(R"({"amount": 1e131071})"); }), malformed);  // beyond a double: not read
  EXPECT_EQ(refusal([] { parse_amount(R"({"amount": "1e-100"})"); }), refused);
  EXPECT_EQ(refusal([] { parse_amount("{\"amount\": \"" + std::string(65, '1') + "\"}"); }), refused);
  EXPECT_EQ(parse_amount(R"({"amount": 1.0e-05})").amount.to_string(), "0.000010");
  EXPECT_EQ(refusal([] { check_json_content_type("application/json; charset=utf-8"); }), "accepted");
  EXPECT_EQ(refusal([] { check_json_content_type("Application/JSON ; charset=utf-8"); }), "accepted");
  EXPECT_EQ(refusal([] { check_json_content_type("text/plain"); }), "415 /problems/unsupported-media-type");
  EXPECT_EQ(refusal([] { check_json_content_type(std::nullopt); }), "415 /problems/unsupported-media-type");
}

struct tokens_file {
  explicit tokens_file(const std::string& text) {
    std::ofstream{path} << text;
  }
  ~tokens_file() { std::remove(path.c_str()); }
  std::string path = ::testing::TempDir() + "account_api_tokens_" + std::to_string(::getpid());
};

const std::string mobile_token(32, 'm');
const std::string partner_token = std::string(40, 'p');

TEST(Credentials, ATokenNamesItsClientAndAnythingElseNoOne) {
  const tokens_file file{"# clients\n\nmobile " + mobile_token + "\n  partner   " + partner_token + "  \n"};
  const auto known = credentials::from_file(file.path);
  EXPECT_TRUE(known.required());
  EXPECT_EQ(known.client("Bearer " + mobile_token), "mobile");
  EXPECT_EQ(known.client("bearer " + partner_token), "partner");
  EXPECT_EQ(known.client(std::nullopt), std::nullopt);
  EXPECT_EQ(known.client("Bearer "), std::nullopt);
  EXPECT_EQ(known.client("Bearer " + mobile_token + "x"), std::nullopt);
  EXPECT_EQ(known.client("Bearer " + mobile_token.substr(1)), std::nullopt);
  EXPECT_EQ(known.client("Basic " + mobile_token), std::nullopt);
  EXPECT_TRUE(known.allows_address("0.0.0.0"));

  const credentials nobody;
  EXPECT_EQ(nobody.client(std::nullopt), "local");
  EXPECT_TRUE(nobody.allows_address("127.0.0.1"));
  EXPECT_TRUE(nobody.allows_address("::1"));
  EXPECT_FALSE(nobody.allows_address("0.0.0.0"));
  EXPECT_FALSE(nobody.allows_address("10.0.0.7"));
}

TEST(Credentials, AFileThatCannotBeTrustedIsRefusedWithoutShowingAToken) {
  const auto refused = [](const std::string& text) -> std::string {
    const tokens_file file{text};
    try {
      credentials::from_file(file.path);
    } catch (const evt::error& error) {
      EXPECT_EQ(std::string{error.what()}.find(mobile_token), std::string::npos) << error.what();
      return error.what();
    }
    return "accepted";
  };
  EXPECT_NE(refused("mobile short").find("at least 32 characters (Path: "), std::string::npos);
  EXPECT_NE(refused("mobile " + mobile_token + " extra").find("NAME TOKEN"), std::string::npos);
  EXPECT_NE(refused("mobile " + mobile_token + "\nmobile " + partner_token).find("Client named twice"), std::string::npos);
  EXPECT_NE(refused("mobile " + mobile_token + "\npartner " + mobile_token).find("Token given twice"), std::string::npos);
  EXPECT_NE(refused("# nobody\n").find("names no client"), std::string::npos);
  EXPECT_THROW(credentials::from_file("/nonexistent/tokens"), evt::error);
}

TEST(OpenApi, TheDocumentNamesExactlyTheRoutesServedAndEveryPostTakesAnIdempotencyKey) {
  const auto& document = openapi();
  EXPECT_EQ(document["openapi"].get<std::string>().substr(0, 2), "3.");
  std::vector<route> documented;
  for (const auto& [path, operations] : document["paths"].items()) {
    for (const auto& [method, operation] : operations.items()) {
      auto upper = method;
      std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
      documented.push_back({upper, path});
      if (upper == "POST") {
        const auto& parameters = operation["parameters"];
        EXPECT_NE(std::find(parameters.begin(), parameters.end(),
                            nlohmann::json{{"$ref", "#/components/parameters/IdempotencyKey"}}),
                  parameters.end())
            << path;
      }
    }
  }
  auto served = service::routes();
  const auto order = [](const route& a, const route& b) { return std::tie(a.path, a.method) < std::tie(b.path, b.method); };
  std::sort(served.begin(), served.end(), order);
  std::sort(documented.begin(), documented.end(), order);
  EXPECT_EQ(documented, served);
  // Every reference resolves.
  const std::function<void(const nlohmann::json&)> resolve = [&](const nlohmann::json& node) {
    if (node.is_object()) {
      if (node.contains("$ref")) {
        const auto pointer = node["$ref"].get<std::string>().substr(1);
        EXPECT_TRUE(document.contains(nlohmann::json::json_pointer{pointer})) << pointer;
      }
      for (const auto& [name, child] : node.items()) resolve(child);
    } else if (node.is_array()) {
      for (const auto& child : node) resolve(child);
    }
  };
  resolve(document);
}

}  // namespace
