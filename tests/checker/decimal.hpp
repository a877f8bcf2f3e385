#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace evt_checker {

// An exact decimal amount, as JSON writes it and PostgreSQL's numeric keeps
// it (100, 11.5, 4.0, 0.30000000000000004, 1.0e-05): held as an integer of
// 10^-20 units, the component's finest amount (20 decimal places). The
// checker sums the amounts of the account streams itself, exactly, to check
// balances and withdrawals independently of the component's arithmetic.
class decimal {
 public:
  decimal() = default;

  // A JSON number's text; nullopt when it is not one, or is finer than 20
  // decimal places, or beyond 10^17 (no account of a schedule comes near).
  static std::optional<decimal> parse(std::string_view text);

  decimal operator+(const decimal& other) const { return from_units(units_ + other.units_); }
  decimal operator-(const decimal& other) const { return from_units(units_ - other.units_); }
  auto operator<=>(const decimal&) const = default;
  bool is_negative() const { return units_ < 0; }

  // Plain decimal text without trailing zeros (1014.80001, 0.3, -2).
  std::string to_string() const;

 private:
  __extension__ using units = __int128;
  static decimal from_units(units value) {
    decimal d;
    d.units_ = value;
    return d;
  }
  units units_ = 0;
};

// The text of the number at top-level `key` of a JSON object's text, as it
// is written there (nlohmann's SAX parser hands the number's own text over,
// so no precision is lost); nullopt when the text is not an object or the
// key is missing or not a number.
std::optional<std::string> json_number_text(std::string_view json, std::string_view key);

}  // namespace evt_checker
