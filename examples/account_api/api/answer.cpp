#include "api/answer.hpp"

namespace account_api {

std::string_view answer::content_type() const noexcept {
  return status >= 400 ? "application/problem+json" : "application/json";
}

answer json_answer(int status, const nlohmann::json& body) {
  return answer{.status = status, .body = body.dump()};
}

answer problem(int status, std::string_view type, std::string_view title, std::string_view detail,
               const nlohmann::json& extra) {
  auto body = nlohmann::json::object();
  body["type"] = "/problems/" + std::string{type};
  body["title"] = title;
  body["status"] = status;
  body["detail"] = detail;
  for (const auto& [name, value] : extra.items()) body[name] = value;
  // Details quote what a client sent, which need not be UTF-8: replaced
  // rather than refused, so a bad request never becomes a failed answer.
  return answer{.status = status, .body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
}

}  // namespace account_api
