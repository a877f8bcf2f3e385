#include <evt/money.hpp>

#include <evt/error.hpp>

#include <algorithm>
#include <limits>

namespace evt {
namespace {

constexpr int max_scale = 15;

[[noreturn]] void overflow() { throw error{"Money amount out of range"}; }

std::int64_t checked_add(std::int64_t a, std::int64_t b) {
  std::int64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) overflow();
  return sum;
}

std::int64_t scaled_up(std::int64_t units, int by) {
  for (int i = 0; i < by; ++i) {
    if (__builtin_mul_overflow(units, 10, &units)) overflow();
  }
  return units;
}

}  // namespace

money money::normalised(std::int64_t units, int scale) {
  while (scale > 0 && units % 10 == 0) {
    units /= 10;
    --scale;
  }
  return money{units, scale};
}

money money::parse(std::string_view text) {
  const auto reject = [&] { throw error{"Not a money amount (Text: " + std::string{text} + ")"}; };
  std::size_t i = 0;
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) ++i;
  std::int64_t units = 0;
  int scale = 0;
  bool digits = false;
  bool point = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '.' && !point) {
      point = true;
      continue;
    }
    if (c < '0' || c > '9') reject();
    digits = true;
    if (point && ++scale > max_scale) reject();
    if (__builtin_mul_overflow(units, 10, &units) || __builtin_add_overflow(units, c - '0', &units)) overflow();
  }
  if (!digits || (point && scale == 0)) reject();
  return normalised(negative ? -units : units, scale);
}

std::string money::to_string() const {
  // Magnitude as unsigned: the smallest int64 has no positive counterpart.
  const auto magnitude = units_ < 0 ? 0 - static_cast<std::uint64_t>(units_) : static_cast<std::uint64_t>(units_);
  const auto digits = std::to_string(magnitude);
  const auto scale = static_cast<std::size_t>(scale_);
  std::string text;
  if (units_ < 0) text += '-';
  if (scale == 0) {
    text += digits;
    return text;
  }
  const auto whole = digits.size() > scale ? digits.size() - scale : 0;
  if (whole == 0) {
    text += '0';
  } else {
    text.append(digits, 0, whole);
  }
  text += '.';
  text.append(scale - (digits.size() - whole), '0');
  text.append(digits, whole);
  return text;
}

money operator+(money a, money b) {
  const int scale = std::max(a.scale_, b.scale_);
  return money::normalised(checked_add(scaled_up(a.units_, scale - a.scale_), scaled_up(b.units_, scale - b.scale_)),
                           scale);
}

money operator-(money a, money b) {
  if (b.units_ == std::numeric_limits<std::int64_t>::min()) overflow();
  return a + money{-b.units_, b.scale_};
}

std::strong_ordering operator<=>(money a, money b) {
  const int scale = std::max(a.scale_, b.scale_);
  return scaled_up(a.units_, scale - a.scale_) <=> scaled_up(b.units_, scale - b.scale_);
}

}  // namespace evt
