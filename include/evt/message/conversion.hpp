#pragma once

// Typed messages to and from the store's raw rows.
#include <evt/error.hpp>
#include <evt/message/data_json.hpp>
#include <evt/message/message.hpp>
#include <evt/message/metadata_json.hpp>
#include <evt/store/message_data.hpp>

#include <string>

namespace evt {

// Type, data (NULL when the message has no fields), metadata and id (the
// writer gives it one when it has none) as they are written.
template <message T>
store::new_message export_message(const T& message) {
  const auto data = detail::encode_struct(message);
  return {.type = std::string{T::message_type},
          .data = data.empty() ? std::nullopt
                               : std::optional{detail::json_text(data, "the data of " + std::string{T::message_type})},
          .metadata = metadata_json(message.metadata),
          .id = message.metadata.message_id};
}

// Any Boost.Hana struct (a message's data, an entity) as Eventide writes
// message data: camelCase keys, every field, money as exact JSON numbers.
template <class T>
std::string data_json(const T& value) {
  return detail::json_text(detail::encode_struct(value), "data");
}

// A row read from the store as a T. A row of another type, malformed data,
// or a missing or mistyped field is a decode_error naming the stream,
// position, type and field.
template <message T>
T import_message(const store::message_data& row) {
  const auto failure = [&](const std::string& field, const std::string& cause) {
    return decode_error{row.stream_name, row.position, row.type, field, cause};
  };
  if (row.type != T::message_type) throw failure("type", "expected " + std::string{T::message_type});
  detail::json data = detail::json::object();
  if (row.data) {
    try {
      data = detail::parse_json(*row.data);
    } catch (const detail::json::exception& error) {
      throw failure("data", error.what());
    }
  }
  T message;
  try {
    message = detail::decode_struct<T>(data);
  } catch (const detail::field_error& error) {
    throw failure(error.path.empty() ? "data" : error.path, error.what());
  }
  message.metadata = read_metadata(row);
  return message;
}

}  // namespace evt
