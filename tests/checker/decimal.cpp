#include "decimal.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>

namespace evt_checker {

namespace {

constexpr int scale = 20;

}  // namespace

std::optional<decimal> decimal::parse(std::string_view text) {
  std::size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
  std::string digits;
  int fraction = 0;  // digits after the point
  bool point = false;
  bool any = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      digits += c;
      any = true;
      if (point) ++fraction;
    } else if (c == '.' && !point) {
      point = true;
    } else {
      break;
    }
  }
  if (!any) return std::nullopt;
  int exponent = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool exponent_negative = false;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) exponent_negative = text[i++] == '-';
    if (i >= text.size()) return std::nullopt;
    for (; i < text.size(); ++i) {
      if (text[i] < '0' || text[i] > '9' || exponent > 1000) return std::nullopt;
      exponent = exponent * 10 + (text[i] - '0');
    }
    if (exponent_negative) exponent = -exponent;
  }
  if (i != text.size()) return std::nullopt;
  // value = digits * 10^(exponent - fraction); in units: * 10^scale.
  int shift = scale + exponent - fraction;
  while (shift < 0) {
    if (digits.empty() || digits.back() != '0') return std::nullopt;  // finer than 10^-20
    digits.pop_back();
    ++shift;
  }
  const auto first = digits.find_first_not_of('0');
  digits = first == std::string::npos ? "" : digits.substr(first);
  if (static_cast<int>(digits.size()) + shift > 37) return std::nullopt;  // beyond 10^17
  units value = 0;
  for (const char c : digits) value = value * 10 + (c - '0');
  for (int k = 0; k < shift; ++k) value *= 10;
  return from_units(negative ? -value : value);
}

std::string decimal::to_string() const {
  auto value = units_ < 0 ? -units_ : units_;
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(value % 10)));
    value /= 10;
  } while (value != 0);
  while (static_cast<int>(digits.size()) <= scale) digits.insert(digits.begin(), '0');
  auto whole = digits.substr(0, digits.size() - scale);
  auto fraction = digits.substr(digits.size() - scale);
  while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
  return (units_ < 0 ? "-" : "") + whole + (fraction.empty() ? "" : "." + fraction);
}

namespace {

// Finds the number at one top-level key: every event at depth 1 after that
// key is the value.
class number_finder : public nlohmann::json_sax<nlohmann::json> {
 public:
  explicit number_finder(std::string_view key) : key_{key} {}
  std::optional<std::string> found;

  bool null() override { return value(); }
  bool boolean(bool) override { return value(); }
  bool number_integer(number_integer_t) override { return value(); }
  bool number_unsigned(number_unsigned_t) override { return value(); }
  bool number_float(number_float_t, const string_t& text) override { return number(text); }
  bool string(string_t&) override { return value(); }
  bool binary(binary_t&) override { return value(); }
  bool start_object(std::size_t) override {
    value();
    ++depth_;
    return true;
  }
  bool key(string_t& name) override {
    at_key_ = depth_ == 1 && name == key_;
    return true;
  }
  bool end_object() override {
    --depth_;
    return true;
  }
  bool start_array(std::size_t) override {
    if (depth_ == 0) return false;  // not an object
    value();
    ++depth_;
    return true;
  }
  bool end_array() override {
    --depth_;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }


 private:
  bool value() {
    at_key_ = false;
    return depth_ != 0;  // a top-level scalar is not an object
  }
  bool number(const std::string& text) {
    if (at_key_) found = text;
    return value();
  }
  std::string key_;
  int depth_ = 0;
  bool at_key_ = false;
};

}  // namespace

std::optional<std::string> json_number_text(std::string_view json, std::string_view key) {
  // nlohmann's SAX hands over the text of floats only; integers are parsed
  // as numbers. So integers are found through a DOM of the value (exact for
  // integers), floats through the SAX parser (their text).
  number_finder finder{key};
  const auto parsed = nlohmann::json::sax_parse(json, &finder, nlohmann::json::input_format_t::json, false);
  if (finder.found) return finder.found;
  if (!parsed) return std::nullopt;
  const auto document = nlohmann::json::parse(json, nullptr, false);
  if (!document.is_object()) return std::nullopt;
  const auto value = document.find(std::string{key});
  if (value == document.end()) return std::nullopt;
  if (value->is_number_integer()) return value->dump();
  return std::nullopt;
}

}  // namespace evt_checker
