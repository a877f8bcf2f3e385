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

time_point parse_iso8601(std::string_view text) {
  const auto reject = [&] { throw error{"Not an ISO 8601 UTC time (Text: " + std::string{text} + ")"}; };
  static constexpr std::string_view shape = "dddd-dd-ddTdd:dd:dd";
  if (text.size() < shape.size() + 1 || text.back() != 'Z') reject();
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == 'd' ? !is_digit(text[i]) : text[i] != shape[i]) reject();
  }

  // "" or "." and 1 to 9 digits, of which the first 3 count.
  const auto fraction = text.substr(shape.size(), text.size() - shape.size() - 1);
  int milliseconds = 0;
  if (!fraction.empty()) {
    if (fraction[0] != '.' || fraction.size() < 2 || fraction.size() > 10) reject();
    for (std::size_t i = 1; i < fraction.size(); ++i) {
      if (!is_digit(fraction[i])) reject();
      if (i <= 3) milliseconds = milliseconds * 10 + (fraction[i] - '0');
    }
    for (auto i = fraction.size(); i <= 3; ++i) milliseconds *= 10;
  }

  const std::chrono::year_month_day date{std::chrono::year{number(text, 0, 4)},
                                         std::chrono::month{static_cast<unsigned>(number(text, 5, 2))},
                                         std::chrono::day{static_cast<unsigned>(number(text, 8, 2))}};
  const int hours = number(text, 11, 2), minutes = number(text, 14, 2), seconds = number(text, 17, 2);
  if (!date.ok() || hours > 23 || minutes > 59 || seconds > 59) reject();
  return time_point{std::chrono::sys_days{date}} + std::chrono::hours{hours} + std::chrono::minutes{minutes} +
         std::chrono::seconds{seconds} + std::chrono::milliseconds{milliseconds};
}

}  // namespace evt
