#include <evt/error.hpp>

#include <utility>

namespace evt {

std::string excerpt(std::string_view text) {
  constexpr std::size_t shown = 100;
  if (text.size() <= shown) return std::string{text};
  return std::string{text.substr(0, shown)} + "...";
}

expected_version_error::expected_version_error(std::string stream_name, std::int64_t expected,
                                               std::int64_t actual)
    : error{"Wrong expected version: " + std::to_string(expected) + " (Stream: " + stream_name +
            ", Stream Version: " + std::to_string(actual) + ")"},
      stream_name_{std::move(stream_name)},
      expected_{expected},
      actual_{actual} {}

decode_error::decode_error(std::string stream_name, std::int64_t position, std::string type, std::string field,
                           const std::string& cause)
    : error{"Cannot decode the message (Stream: " + stream_name + ", Position: " + std::to_string(position) +
            ", Type: " + type + ", Field: " + field + ", Cause: " + cause + ")"},
      stream_name_{std::move(stream_name)},
      position_{position},
      type_{std::move(type)},
      field_{std::move(field)} {}

store_error::store_error(const std::string& what, std::string sqlstate)
    : error{what}, sqlstate_{std::move(sqlstate)} {}

}  // namespace evt
