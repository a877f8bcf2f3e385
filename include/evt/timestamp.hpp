#pragma once

#include <evt/clock.hpp>

#include <chrono>
#include <compare>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

namespace evt {

// A time as message data holds it: the ISO 8601 text as it was written, and
// the instant it names. Ruby Eventide writes "2026-11-28T04:52:15.067Z"
// (Clock.iso8601), "2026-11-28T04:52:15.067+00:00" (Time#iso8601(3), any
// offset) and "2026-11-28T04:52:15.067123Z" (microseconds); each is read,
// and written back exactly as it was read. A timestamp made from a clock
// time is written as Ruby's clock writes it: to the millisecond, with 'Z'.
// Timestamps compare by instant, to the microsecond.
class timestamp {
 public:
  using instant_type = std::chrono::sys_time<std::chrono::microseconds>;

  timestamp() : timestamp{time_point{}} {}  // 1970-01-01T00:00:00.000Z
  timestamp(time_point time) : text_{iso8601(time)}, instant_{time} {}  // NOLINT: implicit on purpose

  // An evt::error naming the text unless parse_iso8601_instant reads it.
  static timestamp parse(std::string_view text) { return timestamp{std::string{text}, parse_iso8601_instant(text)}; }

  const std::string& to_string() const noexcept { return text_; }
  instant_type instant() const noexcept { return instant_; }

  friend bool operator==(const timestamp& a, const timestamp& b) noexcept { return a.instant_ == b.instant_; }
  // Weak: the same instant written with another offset is equivalent, not the same.
  friend std::weak_ordering operator<=>(const timestamp& a, const timestamp& b) noexcept {
    return a.instant_ <=> b.instant_;
  }
  friend std::ostream& operator<<(std::ostream& out, const timestamp& time) { return out << time.text_; }

 private:
  timestamp(std::string text, instant_type instant) : text_{std::move(text)}, instant_{instant} {}

  std::string text_;
  instant_type instant_;
};

}  // namespace evt
