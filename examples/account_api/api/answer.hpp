#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <stdexcept>
#include <string>
#include <string_view>

namespace account_api {

// What the API answers to a request: its status, its JSON body, and the
// headers that say something about the outcome. A replayed answer is the
// recorded one with "Idempotent-Replayed: true".
struct answer {
  int status = 200;
  std::string body = "{}";
  std::string location{};
  std::string etag{};
  std::chrono::seconds retry_after{0};  // 0: no Retry-After
  bool replayed = false;

  // application/problem+json for 4xx and 5xx (RFC 9457), else application/json.
  std::string_view content_type() const noexcept;
};

answer json_answer(int status, const nlohmann::json& body);

// A problem detail (RFC 9457): `type` is its slug, written as the relative
// URI "/problems/<type>" (README's "The HTTP API" lists them), `title` what
// every problem of the type is, `detail` what this one is; members of
// `extra` are added beside them.
answer problem(int status, std::string_view type, std::string_view title, std::string_view detail,
               const nlohmann::json& extra = nlohmann::json::object());

// Thrown wherever a request turns out to be refused; the routes answer it.
struct problem_error : std::runtime_error {
  explicit problem_error(answer refused) : std::runtime_error{refused.body}, refusal{std::move(refused)} {}
  answer refusal;
};

}  // namespace account_api
