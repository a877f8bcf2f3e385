#pragma once

#include <compare>
#include <concepts>
#include <ostream>
#include <string>
#include <string_view>

namespace evt {

// An exact decimal amount: no binary floating point for money. It holds any
// value PostgreSQL's numeric holds, and so any JSON number the message store
// (jsonb) keeps: up to 131,072 digits before the point and 16,383 after.
// Like numeric, it keeps the scale it was written with (4.0 stays "4.0",
// 11.50 stays "11.50") and compares by value (4.0 == 4). Exponent forms are
// read as numeric reads them: "1.0e-05" is 0.000010, "1.0e+20" is
// 100000000000000000000, which is also what the store gives back for them.
class money {
 public:
  money() = default;  // 0
  // Whole amounts: 100 is money. Doubles are not: 11.5 would be rounded
  // somewhere, so they do not compile; write money::parse("11.5").
  template <std::integral Whole>
    requires(!std::same_as<Whole, bool> && !std::same_as<Whole, char> && !std::same_as<Whole, wchar_t> &&
             !std::same_as<Whole, char8_t> && !std::same_as<Whole, char16_t> && !std::same_as<Whole, char32_t>)
  money(Whole whole) : text_{std::to_string(whole)} {}  // NOLINT: implicit on purpose
  template <std::floating_point Number>
  money(Number) = delete;

  // "11.5", "-0.25", "100", "4.0", "1.0e-05": a JSON number's text (leading
  // zeros allowed). Anything else, or a value beyond numeric's range, is an
  // evt::error naming the text.
  static money parse(std::string_view text);

  // As PostgreSQL's numeric writes it: no exponent, the scale kept.
  const std::string& to_string() const noexcept { return text_; }
  // Digits after the point, as written.
  int scale() const noexcept;
  bool is_integer() const noexcept { return scale() == 0; }

  // The scale of a sum or difference is the larger of the two, as in numeric.
  friend money operator+(const money& a, const money& b);
  friend money operator-(const money& a, const money& b);
  money& operator+=(const money& other) { return *this = *this + other; }
  money& operator-=(const money& other) { return *this = *this - other; }
  friend money operator-(const money& a) { return money{} - a; }

  friend bool operator==(const money& a, const money& b) { return (a <=> b) == 0; }
  friend std::ostream& operator<<(std::ostream& out, const money& amount) { return out << amount.text_; }
  // Weak: 4.0 and 4 are equivalent, not the same text.
  friend std::weak_ordering operator<=>(const money& a, const money& b);

 private:
  struct canonical_text {};
  money(canonical_text, std::string text) : text_{std::move(text)} {}

  std::string text_ = "0";  // canonical: [-]digits[.digits], no leading zeros, no "-0"
};

}  // namespace evt
