#pragma once

// Internal: values as libpq's text parameters.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace evt::store::detail {

// nullptr is SQL NULL.
inline const char* text_or_null(const std::optional<std::string>& value) noexcept {
  return value ? value->c_str() : nullptr;
}

inline std::optional<std::string> number_or_null(const std::optional<std::int64_t>& value) {
  if (!value) return std::nullopt;
  return std::to_string(*value);
}

// A PostgreSQL array literal of text elements: {"a","b\"c",NULL}.
std::string array_literal(const std::vector<std::optional<std::string>>& elements);

}  // namespace evt::store::detail
