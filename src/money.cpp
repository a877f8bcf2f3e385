#include <evt/money.hpp>

#include <evt/error.hpp>

#include <algorithm>
#include <limits>

namespace evt {
namespace {

constexpr int max_scale = 15;

[[noreturn]] void overflow() { throw error{"Money amount out of range"}; }

// Intermediate results in 128 bits: 15 decimal places on an int64 always fit.
__extension__ using wide = __int128;

wide scaled_up(std::int64_t units, int by) {
  wide scaled = units;
  for (int i = 0; i < by; ++i) scaled *= 10;
  return scaled;
}

// Without trailing zeros, and back in 64 bits (or out of range).
struct reduced {
  std::int64_t units;
  int scale;
};

reduced reduce(wide units, int scale) {
  while (scale > 0 && units % 10 == 0) {
    units /= 10;
    --scale;
  }
  if (units > std::numeric_limits<std::int64_t>::max() || units < std::numeric_limits<std::int64_t>::min()) overflow();
  return {static_cast<std::int64_t>(units), scale};
}

}  // namespace

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
  const auto [whole, places] = reduce(negative ? -static_cast<wide>(units) : units, scale);
  return money{whole, places};
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
  const auto [units, places] = reduce(scaled_up(a.units_, scale - a.scale_) + scaled_up(b.units_, scale - b.scale_), scale);
  return money{units, places};
}

money operator-(money a, money b) {
  const int scale = std::max(a.scale_, b.scale_);
  const auto [units, places] = reduce(scaled_up(a.units_, scale - a.scale_) - scaled_up(b.units_, scale - b.scale_), scale);
  return money{units, places};
}

std::strong_ordering operator<=>(money a, money b) {
  const int scale = std::max(a.scale_, b.scale_);
  return scaled_up(a.units_, scale - a.scale_) <=> scaled_up(b.units_, scale - b.scale_);
}

}  // namespace evt
