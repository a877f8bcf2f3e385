#include <evt/money.hpp>

#include <evt/error.hpp>

#include <boost/multiprecision/cpp_int.hpp>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>

namespace evt {
namespace {

using boost::multiprecision::cpp_int;

// PostgreSQL numeric's range, so that whatever the store holds is money and
// nothing else is.
constexpr std::size_t max_whole_digits = 131072;
constexpr std::size_t max_scale = 16383;

[[noreturn]] void out_of_range(std::string_view text) {
  throw error{"Money amount out of range (Text: " + excerpt(text) + ")"};
}

bool is_digits(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The canonical text of sign, digits and scale (the last `scale` digits are
// the fraction): no leading zeros, "0" before the point, no "-0".
std::string canonical(bool negative, std::string_view digits, std::size_t scale) {
  std::string text;
  const auto whole_length = digits.size() > scale ? digits.size() - scale : 0;
  auto whole = digits.substr(0, whole_length);
  while (!whole.empty() && whole.front() == '0') whole.remove_prefix(1);
  const auto fraction = digits.substr(whole_length);
  const bool zero = whole.empty() && std::all_of(fraction.begin(), fraction.end(), [](char c) { return c == '0'; });
  if (negative && !zero) text += '-';
  if (whole.empty()) {
    text += '0';
  } else {
    text += whole;
  }
  if (scale > 0) {
    text += '.';
    text.append(scale - fraction.size(), '0');
    text += fraction;
  }
  return text;
}

// Exact arithmetic on units of 10^-scale.
struct scaled {
  cpp_int units;
  std::size_t scale;
};

scaled scaled_of(const std::string& text) {
  const auto point = text.find('.');
  std::string digits = text;
  std::size_t scale = 0;
  if (point != std::string::npos) {
    digits.erase(point, 1);
    scale = text.size() - point - 1;
  }
  // cpp_int reads a leading 0 as octal.
  const bool negative = digits.front() == '-';
  const auto first = digits.find_first_not_of("-0");
  if (first == std::string::npos) return {cpp_int{0}, scale};
  cpp_int units{digits.substr(first)};
  if (negative) units = -units;
  return {std::move(units), scale};
}

cpp_int power_of_ten(std::size_t exponent) {
  return boost::multiprecision::pow(cpp_int{10}, static_cast<unsigned>(exponent));
}

// Both at the larger scale.
std::pair<scaled, scaled> aligned(const std::string& a, const std::string& b) {
  auto x = scaled_of(a);
  auto y = scaled_of(b);
  if (x.scale < y.scale) {
    x.units *= power_of_ten(y.scale - x.scale);
    x.scale = y.scale;
  } else if (y.scale < x.scale) {
    y.units *= power_of_ten(x.scale - y.scale);
    y.scale = x.scale;
  }
  return {std::move(x), std::move(y)};
}

// Most amounts have few digits: 128-bit arithmetic for them, without
// cpp_int's conversions (an entity store applies thousands of events).
__extension__ using wide = __int128;
constexpr std::size_t small_digits = 18;  // aligned, two of them still fit 128 bits

struct small_pair {
  wide a;
  wide b;
  std::size_t scale;
};

bool small_scaled(const std::string& text, wide& units, std::size_t& scale) {
  const auto point = text.find('.');
  const auto digits = text.size() - (text.front() == '-' ? 1 : 0) - (point == std::string::npos ? 0 : 1);
  if (digits > small_digits) return false;
  units = 0;
  for (const char c : text) {
    if (c >= '0' && c <= '9') units = units * 10 + (c - '0');
  }
  if (text.front() == '-') units = -units;
  scale = point == std::string::npos ? 0 : text.size() - point - 1;
  return true;
}

std::optional<small_pair> small_aligned(const std::string& a, const std::string& b) {
  small_pair pair{};
  std::size_t a_scale = 0, b_scale = 0;
  if (!small_scaled(a, pair.a, a_scale) || !small_scaled(b, pair.b, b_scale)) return std::nullopt;
  for (; a_scale < b_scale; ++a_scale) pair.a *= 10;
  for (; b_scale < a_scale; ++b_scale) pair.b *= 10;
  pair.scale = a_scale;
  return pair;
}

std::string text_of(wide units, std::size_t scale) {
  const bool negative = units < 0;
  auto magnitude = negative ? -units : units;  // small: far from the 128-bit limits
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(magnitude % 10)));
    magnitude /= 10;
  } while (magnitude != 0);
  return canonical(negative, digits, scale);
}

std::string text_of(const cpp_int& units, std::size_t scale) {
  const auto digits = units.str();
  const bool negative = digits.front() == '-';
  const auto magnitude = std::string_view{digits}.substr(negative ? 1 : 0);
  const auto text = canonical(negative, magnitude, scale);
  if (magnitude.size() > scale + max_whole_digits) out_of_range(text);
  return text;
}

}  // namespace

money money::parse(std::string_view text) {
  const auto reject = [&] { throw error{"Not a money amount (Text: " + excerpt(text) + ")"}; };
  auto rest = text;
  const bool negative = !rest.empty() && rest.front() == '-';
  if (negative) rest.remove_prefix(1);

  // mantissa[.fraction][e exponent]
  const auto exponent_at = rest.find_first_of("eE");
  auto number = rest.substr(0, exponent_at);
  std::int64_t exponent = 0;
  if (exponent_at != std::string_view::npos) {
    auto exponent_text = rest.substr(exponent_at + 1);
    const bool minus = !exponent_text.empty() && exponent_text.front() == '-';
    if (!exponent_text.empty() && (minus || exponent_text.front() == '+')) exponent_text.remove_prefix(1);
    if (exponent_text.empty() || !is_digits(exponent_text)) reject();
    // Beyond numeric's range whatever the mantissa.
    if (exponent_text.size() > 7) out_of_range(text);
    std::from_chars(exponent_text.data(), exponent_text.data() + exponent_text.size(), exponent);
    if (minus) exponent = -exponent;
  }
  const auto point = number.find('.');
  const auto whole = number.substr(0, point);
  const auto fraction = point == std::string_view::npos ? std::string_view{} : number.substr(point + 1);
  if (!is_digits(whole) || !is_digits(fraction) || (whole.empty() && fraction.empty()) ||
      (point != std::string_view::npos && fraction.empty())) {
    reject();
  }

  // numeric's rule: the scale is the fraction's digits less the exponent.
  std::string digits{whole};
  digits += fraction;
  const auto shift = exponent - static_cast<std::int64_t>(fraction.size());
  const auto significant = digits.find_first_not_of('0');
  const auto significant_digits = significant == std::string::npos ? 0 : digits.size() - significant;
  std::size_t scale = 0;
  if (shift >= 0) {
    if (significant_digits > 0 && significant_digits + static_cast<std::size_t>(shift) > max_whole_digits) out_of_range(text);
    if (significant_digits > 0) digits.append(static_cast<std::size_t>(shift), '0');
  } else {
    scale = static_cast<std::size_t>(-shift);
    if (scale > max_scale) out_of_range(text);
    if (significant_digits > scale + max_whole_digits) out_of_range(text);
  }
  return money{canonical_text{}, canonical(negative, digits, scale)};
}

int money::scale() const noexcept {
  const auto point = text_.find('.');
  return point == std::string::npos ? 0 : static_cast<int>(text_.size() - point - 1);
}

money operator+(const money& a, const money& b) {
  if (const auto small = small_aligned(a.text_, b.text_)) {
    return money{money::canonical_text{}, text_of(small->a + small->b, small->scale)};
  }
  auto [x, y] = aligned(a.text_, b.text_);
  return money{money::canonical_text{}, text_of(x.units + y.units, x.scale)};
}

money operator-(const money& a, const money& b) {
  if (const auto small = small_aligned(a.text_, b.text_)) {
    return money{money::canonical_text{}, text_of(small->a - small->b, small->scale)};
  }
  auto [x, y] = aligned(a.text_, b.text_);
  return money{money::canonical_text{}, text_of(x.units - y.units, x.scale)};
}

std::weak_ordering operator<=>(const money& a, const money& b) {
  if (a.text_ == b.text_) return std::weak_ordering::equivalent;
  if (const auto small = small_aligned(a.text_, b.text_)) return small->a <=> small->b;
  const auto [x, y] = aligned(a.text_, b.text_);
  const auto order = x.units.compare(y.units);
  return order < 0 ? std::weak_ordering::less : order > 0 ? std::weak_ordering::greater : std::weak_ordering::equivalent;
}

}  // namespace evt
