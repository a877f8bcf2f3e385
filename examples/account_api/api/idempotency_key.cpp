#include "api/idempotency_key.hpp"

#include "api/answer.hpp"

#include <evt/idempotence_key.hpp>

namespace account_api {
namespace {

[[noreturn]] void refuse(std::string_view detail) {
  throw problem_error{problem(400, "idempotency-key", "Idempotency-Key header missing or unusable", detail)};
}

// A Structured Field string's content: \" and \\ are the only escapes.
std::string unquoted(std::string_view quoted) {
  if (quoted.size() < 2 || quoted.back() != '"') refuse("A quoted key must end with a quote");
  std::string key;
  for (std::size_t i = 1; i + 1 < quoted.size(); ++i) {
    char c = quoted[i];
    if (c == '"') refuse("A quote inside a quoted key must be escaped");
    if (c == '\\') {
      if (i + 2 >= quoted.size() || (quoted[i + 1] != '"' && quoted[i + 1] != '\\')) {
        refuse("Only \\\" and \\\\ may be escaped in a quoted key");
      }
      c = quoted[++i];
    }
    key += c;
  }
  return key;
}

}  // namespace

std::string idempotency_key(const std::vector<std::string>& headers) {
  if (headers.empty()) refuse("Every POST needs an Idempotency-Key header: a key unique to the operation (a UUID)");
  if (headers.size() > 1) refuse("One Idempotency-Key header, not " + std::to_string(headers.size()));
  const auto& header = headers.front();
  auto key = header.starts_with('"') ? unquoted(header) : header;
  if (const auto problem = key_problem(key)) refuse(*problem);
  return key;
}

std::optional<std::string> key_problem(std::string_view key) {
  for (const char c : key) {
    if (c < 0x20 || c > 0x7e) return "A key is printable ASCII";
  }
  return evt::idempotence_key_problem(key);
}

}  // namespace account_api
