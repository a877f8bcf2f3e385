#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace evt::store {

using time_point = std::chrono::sys_time<std::chrono::microseconds>;

// A message as the store holds it: data and metadata are JSON text (or
// absent), time is when it was written (UTC).
struct message_data {
  std::string id{};
  std::string type{};
  std::string stream_name{};
  std::int64_t position = 0;
  std::int64_t global_position = 0;
  std::optional<std::string> data = std::nullopt;
  std::optional<std::string> metadata = std::nullopt;
  time_point time{};

  bool operator==(const message_data&) const = default;
};

// A message to write. Without an id it gets a random UUID when written.
struct new_message {
  std::string type{};
  std::optional<std::string> data = std::nullopt;
  std::optional<std::string> metadata = std::nullopt;
  std::optional<std::string> id = std::nullopt;
};

}  // namespace evt::store
