#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace evt {

// What a message carries besides its data (SPEC 2.2). The first six are
// transient: they come from the store's row and are never written into the
// metadata JSON.
struct metadata {
  std::optional<std::string> message_id = std::nullopt;
  std::optional<std::string> stream_name = std::nullopt;
  std::optional<std::int64_t> position = std::nullopt;
  std::optional<std::int64_t> global_position = std::nullopt;
  std::optional<std::chrono::sys_time<std::chrono::microseconds>> time = std::nullopt;
  // The data JSON as the store held it, for a copy that must carry it value
  // for value, keys its type does not declare included (the reservation's).
  std::optional<std::string> stored_data = std::nullopt;

  std::optional<std::string> causation_message_stream_name = std::nullopt;
  std::optional<std::int64_t> causation_message_position = std::nullopt;
  std::optional<std::int64_t> causation_message_global_position = std::nullopt;
  std::optional<std::string> correlation_stream_name = std::nullopt;
  std::optional<std::string> reply_stream_name = std::nullopt;
  // Followed by the messages that follow this one.
  nlohmann::json properties = nlohmann::json::object();
  // Stored, but never followed.
  nlohmann::json local_properties = nlohmann::json::object();
  std::optional<std::string> schema_version = std::nullopt;

  // Makes this the metadata of a message caused by `preceding`: causation
  // from its source, its correlation and reply stream names (even when
  // absent), and its properties merged in. Local properties stay.
  void follow(const metadata& preceding);
  bool follows(const metadata& preceding) const;

  // Compared by category when given a category, else by stream name; the
  // name is camel-cased first, as Eventide does.
  bool is_correlated(std::string_view stream_name_or_category) const;

  // "<stream_name>/<position>", when both are known.
  std::optional<std::string> identifier() const;
  std::optional<std::string> causation_message_identifier() const;

  bool is_reply() const noexcept { return reply_stream_name.has_value(); }
  void clear_reply_stream_name() noexcept { reply_stream_name.reset(); }

  void set_property(const std::string& name, nlohmann::json value);
  const nlohmann::json* property(const std::string& name) const;
  void delete_property(const std::string& name);
  void set_local_property(const std::string& name, nlohmann::json value);
  const nlohmann::json* local_property(const std::string& name) const;
  void delete_local_property(const std::string& name);

  bool operator==(const metadata&) const = default;
};

}  // namespace evt
