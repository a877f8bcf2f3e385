#pragma once

#include <compare>
#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>

namespace evt {

// An exact decimal amount: no binary floating point for money. Held as an
// integer count of 10^-scale units, scale 0 to 15, normalised (no trailing
// zeros), so equal amounts are equal whatever their written form.
class money {
 public:
  constexpr money() = default;
  // Whole amounts: 100 is money. Doubles are not: 11.5 would truncate, so
  // they do not compile; write money::parse("11.5").
  template <std::integral Whole>
    requires(!std::same_as<Whole, bool>)
  constexpr money(Whole whole) : units_{static_cast<std::int64_t>(whole)} {}  // NOLINT: implicit on purpose
  template <std::floating_point Number>
  money(Number) = delete;

  // "11.5", "-0.25", "100"; anything else is an evt::error naming the text.
  static money parse(std::string_view text);

  std::string to_string() const;
  std::int64_t units() const noexcept { return units_; }
  int scale() const noexcept { return scale_; }

  friend money operator+(money a, money b);
  friend money operator-(money a, money b);
  money& operator+=(money other) { return *this = *this + other; }
  money& operator-=(money other) { return *this = *this - other; }
  friend money operator-(money a) { return money{0} - a; }

  friend bool operator==(money a, money b) noexcept { return a.units_ == b.units_ && a.scale_ == b.scale_; }
  friend std::strong_ordering operator<=>(money a, money b);

 private:
  constexpr money(std::int64_t units, int scale) : units_{units}, scale_{scale} {}

  std::int64_t units_ = 0;
  int scale_ = 0;
};

}  // namespace evt
