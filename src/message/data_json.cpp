#include <evt/message/data_json.hpp>

#include <evt/error.hpp>

#include <charconv>
#include <cstdlib>

namespace evt::detail {

json parse_json(std::string_view text) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_json_depth) {
        throw json::parse_error::create(
            101, i + 1, "nested deeper than " + std::to_string(max_json_depth) + " levels", nullptr);
      }
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return json::parse(text);
}

std::string json_text(const json& value, const std::string& what) {
  try {
    return value.dump();
  } catch (const json::type_error& invalid) {
    throw error{"Cannot write " + what + " as JSON: a string in it is not valid UTF-8 (Cause: " + invalid.what() + ")"};
  }
}

// Whole amounts are JSON integers (100); others JSON numbers whose shortest
// form is the amount's exact decimal (11.5), as Ruby writes them. An amount
// that no double represents that way is refused rather than rounded.
json money_json(const money& amount) {
  if (amount.scale() == 0) return amount.units();
  const auto text = amount.to_string();
  const double number = std::strtod(text.c_str(), nullptr);
  char shortest[400];
  const auto end = std::to_chars(shortest, shortest + sizeof shortest, number, std::chars_format::fixed).ptr;
  if (std::string_view{shortest, static_cast<std::size_t>(end - shortest)} != text) {
    throw error{"Money amount cannot be written exactly as a JSON number (Amount: " + text + ")"};
  }
  return number;
}

money money_from_json(const json& value) {
  if (value.is_number_unsigned() && value.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
    throw std::runtime_error{"amount out of range: " + value.dump()};
  }
  if (value.is_number_integer()) return money{value.get<std::int64_t>()};
  if (!value.is_number_float()) throw std::runtime_error{"expected a number, not " + value.dump()};
  char shortest[400];
  const auto end =
      std::to_chars(shortest, shortest + sizeof shortest, value.get<double>(), std::chars_format::fixed).ptr;
  return money::parse(std::string_view{shortest, static_cast<std::size_t>(end - shortest)});
}

}  // namespace evt::detail
