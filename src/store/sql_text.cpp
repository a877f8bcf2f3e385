#include "store/sql_text.hpp"

namespace evt::store::detail {

std::string array_literal(const std::vector<std::optional<std::string>>& elements) {
  std::string literal = "{";
  for (const auto& element : elements) {
    if (literal.size() > 1) literal += ',';
    if (!element) {
      literal += "NULL";
      continue;
    }
    literal += '"';
    for (const char c : *element) {
      if (c == '"' || c == '\\') literal += '\\';
      literal += c;
    }
    literal += '"';
  }
  return literal + "}";
}

}  // namespace evt::store::detail
