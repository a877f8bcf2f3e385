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

// Reads "YYYY-MM-DDTHH:MM:SS[.fff]Z" (a fraction of 1 to 9 digits, kept to the
// millisecond); anything else is an evt::error naming the text.
time_point parse_iso8601(std::string_view text);

}  // namespace evt
