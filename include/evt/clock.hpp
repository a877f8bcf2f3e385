#pragma once

#include <chrono>
#include <string>
#include <string_view>

// Times as Eventide writes them inside message data: UTC, milliseconds, 'Z'
// ("2000-01-01T11:11:11.000Z"), like Ruby's Clock::UTC.iso8601.
namespace evt {

using time_point = std::chrono::sys_time<std::chrono::milliseconds>;

time_point now();

// Truncates below the millisecond.
std::string iso8601(std::chrono::sys_time<std::chrono::microseconds> time);

// Reads ISO 8601 times as Ruby writes them: "YYYY-MM-DDTHH:MM:SS", an
// optional fraction of any length, then 'Z' or an offset (+01:00, +0100,
// +01, or with '-'), into UTC, to the microsecond (finer digits are
// dropped); anything else is an evt::error naming the text.
std::chrono::sys_time<std::chrono::microseconds> parse_iso8601_instant(std::string_view text);
// The same, truncated to the millisecond.
time_point parse_iso8601(std::string_view text);

}  // namespace evt
