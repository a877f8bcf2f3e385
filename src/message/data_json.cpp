#include <evt/message/data_json.hpp>

#include <evt/error.hpp>

#include <algorithm>
#include <charconv>
#include <clocale>
#include <cstdlib>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace evt::detail {
namespace {

void check_depth(std::string_view text) {
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
}

// nlohmann's SAX events into a value, as its own parser builds one, but
// with numbers that are not 64-bit integers kept as their text.
// nlohmann's lexer spells a number's decimal point the way the C locale
// does, for strtod ("11,5" where the locale's is a comma): JSON's is '.'.
std::string as_written(const json::string_t& token) {
  const char point = *std::localeconv()->decimal_point;
  if (point == '.') return token;
  auto text = token;
  std::replace(text.begin(), text.end(), point, '.');
  return text;
}

class exact_builder {
 public:
  explicit exact_builder(json& root) : root_{root} {}

  bool null() { return add(nullptr); }
  bool boolean(bool value) { return add(value); }
  bool number_integer(json::number_integer_t value) { return add(value); }
  bool number_unsigned(json::number_unsigned_t value) { return add(value); }
  bool number_float(json::number_float_t, const json::string_t& text) { return add(exact_number(as_written(text))); }
  bool string(json::string_t& value) { return add(std::move(value)); }
  bool binary(json::binary_t&) { return false; }  // JSON text has none
  bool start_object(std::size_t) { return open(json::object()); }
  bool key(json::string_t& key) {
    key_ = &(*open_.back())[key];
    return true;
  }
  bool end_object() { return close(); }
  bool start_array(std::size_t) { return open(json::array()); }
  bool end_array() { return close(); }
  template <class Exception>
  bool parse_error(std::size_t, const std::string&, const Exception& error) {
    throw error;
  }

 private:
  // Containers stay where they are while open: an array only grows once its
  // open child is closed, and object members never move.
  json* place(json value) {
    if (open_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    if (open_.back()->is_array()) {
      open_.back()->push_back(std::move(value));
      return &open_.back()->back();
    }
    *key_ = std::move(value);
    return key_;
  }
  bool add(json value) {
    place(std::move(value));
    return true;
  }
  bool open(json container) {
    open_.push_back(place(std::move(container)));
    return true;
  }
  bool close() {
    open_.pop_back();
    return true;
  }

  json& root_;
  std::vector<json*> open_;
  json* key_ = nullptr;
};

void write(const json& value, std::string& out) {
  if (is_exact_number(value)) {
    const auto& bytes = value.get_binary();
    out.append(bytes.begin(), bytes.end());
  } else if (value.is_object()) {
    out += '{';
    bool first = true;
    for (const auto& [key, item] : value.items()) {
      if (!std::exchange(first, false)) out += ',';
      out += json(key).dump();
      out += ':';
      write(item, out);
    }
    out += '}';
  } else if (value.is_array()) {
    out += '[';
    bool first = true;
    for (const auto& item : value) {
      if (!std::exchange(first, false)) out += ',';
      write(item, out);
    }
    out += ']';
  } else {
    out += value.dump();
  }
}

}  // namespace

json exact_number(std::string_view text) {
  return json::binary(json::binary_t::container_type(text.begin(), text.end()), exact_number_subtype);
}

bool is_exact_number(const json& value) noexcept {
  return value.is_binary() && value.get_binary().has_subtype() && value.get_binary().subtype() == exact_number_subtype;
}

double double_of(std::string_view text) {
  double value = 0;
  const auto [end, status] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (status == std::errc::result_out_of_range) throw std::out_of_range{"number out of range: " + std::string{text}};
  if (status != std::errc{} || end != text.data() + text.size()) {
    throw std::invalid_argument{"not a number: " + std::string{text}};
  }
  return value;
}

std::string exact_number_text(const json& value) {
  const auto& bytes = value.get_binary();
  return {bytes.begin(), bytes.end()};
}

std::string shown(const json& value) {
  try {
    return excerpt(json_text(value, "a value"));
  } catch (const error&) {
    return excerpt(value.dump(-1, ' ', false, json::error_handler_t::replace));
  }
}

json parse_json(std::string_view text, numbers numbers) {
  check_depth(text);
  if (numbers == numbers::as_doubles) return json::parse(text);
  json root;
  exact_builder builder{root};
  json::sax_parse(text, &builder);
  return root;
}

std::string json_text(const json& value, const std::string& what) {
  try {
    std::string text;
    write(value, text);
    return text;
  } catch (const json::type_error& invalid) {
    throw error{"Cannot write " + what + " as JSON: a string in it is not valid UTF-8 (Cause: " + invalid.what() + ")"};
  }
}

// Whole amounts that fit 64 bits are JSON integers (100), as Ruby writes
// them; any other amount is its decimal text, exactly (11.5, 4.0).
json money_json(const money& amount) {
  const auto& text = amount.to_string();
  if (amount.is_integer()) {
    std::int64_t whole = 0;
    const auto [end, failure] = std::from_chars(text.data(), text.data() + text.size(), whole);
    if (failure == std::errc{} && end == text.data() + text.size()) return whole;
  }
  return exact_number(text);
}

money money_from_json(const json& value) {
  if (is_exact_number(value)) return money::parse(exact_number_text(value));
  if (value.is_number_unsigned()) return money{value.get<std::uint64_t>()};
  if (value.is_number_integer()) return money{value.get<std::int64_t>()};
  if (!value.is_number_float()) throw std::runtime_error{"expected a number, not " + shown(value)};
  // A double built by code rather than read: its shortest exact decimal.
  char shortest[400];
  const auto end =
      std::to_chars(shortest, shortest + sizeof shortest, value.get<double>(), std::chars_format::fixed).ptr;
  return money::parse(std::string_view{shortest, static_cast<std::size_t>(end - shortest)});
}

}  // namespace evt::detail
