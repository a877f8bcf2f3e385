#include "cli/arguments.hpp"

#include <evt/error.hpp>
#include <evt/stream_name.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <string>

namespace evt::cli {
namespace {

[[noreturn]] void refuse(std::string_view argument, const std::string& sentence, std::string_view text) {
  throw usage_error{std::string{argument} + " " + sentence + " (" + std::string{argument} + ": " + excerpt(text) + ")"};
}

}  // namespace

void require_stream_name(std::string_view argument, std::string_view name) {
  if (name.empty()) refuse(argument, "must not be empty", name);
  if (is_category(name)) {
    refuse(argument, "must be a stream name (category-id), not a category", name);
  }
}

void require_category(std::string_view argument, std::string_view name) {
  if (name.empty()) refuse(argument, "must not be empty", name);
  if (!is_category(name)) refuse(argument, "must be a category, not a stream name (no '-')", name);
}

// accept() checks without building the value (nor recursing into it), so
// any nesting is safe; valid JSON that starts with '{' is an object.
void require_json_object(std::string_view argument, std::string_view text) {
  const auto first = std::find_if_not(text.begin(), text.end(), [](unsigned char c) { return std::isspace(c); });
  if (!nlohmann::json::accept(text)) refuse(argument, "is not valid JSON", text);
  if (first == text.end() || *first != '{') refuse(argument, "must be a JSON object", text);
}

void require_uuid(std::string_view argument, std::string_view text) {
  const bool uuid = text.size() == 36 && std::all_of(text.begin(), text.end(), [i = 0](char c) mutable {
                      const auto at = i++;
                      if (at == 8 || at == 13 || at == 18 || at == 23) return c == '-';
                      return std::isxdigit(static_cast<unsigned char>(c)) != 0;
                    });
  if (!uuid) refuse(argument, "must be a UUID", text);
}

}  // namespace evt::cli
