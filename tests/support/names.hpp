#pragma once

#include <string>
#include <string_view>

namespace evt::test {

// Every test writes to names nobody else uses, so tests never share state
// and may run in parallel against one database.
std::string unique_category(std::string_view prefix = "testCategory");
std::string unique_id();  // a random UUID v4, lower case
std::string stream_name(std::string_view category, std::string_view id);
std::string unique_stream_name(std::string_view prefix = "testCategory");

}  // namespace evt::test
