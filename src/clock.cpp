#include <evt/clock.hpp>

#include <evt/error.hpp>

#include <cstdio>

namespace evt {
namespace {

constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Digits already checked.
constexpr int number(std::string_view text, std::size_t from, std::size_t count) {
  int value = 0;
  for (std::size_t i = from; i < from + count; ++i) value = value * 10 + (text[i] - '0');
  return value;
}

}  // namespace

time_point now() { return std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now()); }

std::string iso8601(std::chrono::sys_time<std::chrono::microseconds> time) {
  const auto day = std::chrono::floor<std::chrono::days>(time);
  const std::chrono::year_month_day date{day};
  const std::chrono::hh_mm_ss clock{std::chrono::floor<std::chrono::milliseconds>(time - day)};
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()), static_cast<int>(clock.subseconds().count()));
  return text;
}

std::chrono::sys_time<std::chrono::microseconds> parse_iso8601_instant(std::string_view text) {
  const auto reject = [&] { throw error{"Not an ISO 8601 time (Text: " + excerpt(text) + ")"}; };
  static constexpr std::string_view shape = "dddd-dd-ddTdd:dd:dd";
  if (text.size() < shape.size() + 1) reject();
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == 'd' ? !is_digit(text[i]) : text[i] != shape[i]) reject();
  }
  auto rest = text.substr(shape.size());

  // "" or "." and digits, of which the first 6 count.
  int microseconds = 0;
  if (rest.front() == '.') {
    std::size_t digits = 1;
    while (digits < rest.size() && is_digit(rest[digits])) ++digits;
    if (digits == 1) reject();
    for (std::size_t i = 1; i <= 6; ++i) microseconds = microseconds * 10 + (i < digits ? rest[i] - '0' : 0);
    rest.remove_prefix(digits);
  }

  // 'Z', or an offset: +HH:MM, +HHMM or +HH (- too).
  int offset_minutes = 0;
  if (rest != "Z") {
    if (rest.empty() || (rest.front() != '+' && rest.front() != '-')) reject();
    const int sign = rest.front() == '-' ? -1 : 1;
    const auto offset = rest.substr(1);
    const bool colon = offset.size() == 5 && offset[2] == ':';
    if (offset.size() != 2 && offset.size() != 4 && !colon) reject();
    for (std::size_t i = 0; i < offset.size(); ++i) {
      if (!(colon && i == 2) && !is_digit(offset[i])) reject();
    }
    const int hours = number(offset, 0, 2);
    const int minutes = offset.size() == 2 ? 0 : number(offset, colon ? 3 : 2, 2);
    if (hours > 23 || minutes > 59) reject();
    offset_minutes = sign * (hours * 60 + minutes);
  }

  const std::chrono::year_month_day date{std::chrono::year{number(text, 0, 4)},
                                         std::chrono::month{static_cast<unsigned>(number(text, 5, 2))},
                                         std::chrono::day{static_cast<unsigned>(number(text, 8, 2))}};
  const int hours = number(text, 11, 2), minutes = number(text, 14, 2), seconds = number(text, 17, 2);
  if (!date.ok() || hours > 23 || minutes > 59 || seconds > 59) reject();
  return std::chrono::sys_days{date} + std::chrono::hours{hours} + std::chrono::minutes{minutes - offset_minutes} +
         std::chrono::seconds{seconds} + std::chrono::microseconds{microseconds};
}

time_point parse_iso8601(std::string_view text) {
  return std::chrono::floor<std::chrono::milliseconds>(parse_iso8601_instant(text));
}

}  // namespace evt
