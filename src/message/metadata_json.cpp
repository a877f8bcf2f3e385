#include <evt/message/metadata_json.hpp>

#include <evt/error.hpp>
#include <evt/message/casing.hpp>
#include <evt/message/data_json.hpp>

#include <utility>

namespace evt {
namespace {

using json = nlohmann::json;

template <class Rename>
json renamed_keys(const json& value, const Rename& rename) {
  if (value.is_object()) {
    json renamed = json::object();
    for (const auto& [key, item] : value.items()) renamed[rename(key)] = renamed_keys(item, rename);
    return renamed;
  }
  if (value.is_array()) {
    json renamed = json::array();
    for (const auto& item : value) renamed.push_back(renamed_keys(item, rename));
    return renamed;
  }
  return value;
}

template <class T>
void put(json& object, const char* key, const std::optional<T>& value) {
  if (value) object[key] = *value;
}

}  // namespace

json camel_cased_keys(const json& value) {
  return renamed_keys(value, [](const std::string& key) { return camel_case(key); });
}

json snake_cased_keys(const json& value) {
  return renamed_keys(value, [](const std::string& key) { return snake_case(key); });
}

std::optional<std::string> metadata_json(const metadata& metadata) {
  json object = json::object();
  put(object, "causationMessageStreamName", metadata.causation_message_stream_name);
  put(object, "causationMessagePosition", metadata.causation_message_position);
  put(object, "causationMessageGlobalPosition", metadata.causation_message_global_position);
  put(object, "correlationStreamName", metadata.correlation_stream_name);
  put(object, "replyStreamName", metadata.reply_stream_name);
  if (!metadata.properties.empty()) object["properties"] = camel_cased_keys(metadata.properties);
  if (!metadata.local_properties.empty()) object["localProperties"] = camel_cased_keys(metadata.local_properties);
  put(object, "schemaVersion", metadata.schema_version);
  if (object.empty()) return std::nullopt;
  return detail::json_text(object, "metadata");
}

metadata read_metadata(const store::message_data& row) {
  metadata result{.message_id = row.id,
                  .stream_name = row.stream_name,
                  .position = row.position,
                  .global_position = row.global_position,
                  .time = row.time,
                  .stored_data = row.data};
  if (!row.metadata) return result;

  const auto failure = [&](const std::string& field, const std::string& cause) {
    return decode_error{row.stream_name, row.position, row.type, field, cause};
  };
  json object;
  try {
    object = snake_cased_keys(detail::parse_json(*row.metadata, detail::numbers::as_doubles));
  } catch (const json::exception& error) {
    throw failure("metadata", error.what());
  }
  if (!object.is_object()) throw failure("metadata", "not a JSON object");

  const auto read = [&]<class T>(const char* key, std::optional<T>& target) {
    const auto found = object.find(key);
    if (found == object.end() || found->is_null()) return;
    try {
      if constexpr (std::is_integral_v<T>) {
        if (!found->is_number_integer()) throw failure(std::string{"metadata."} + key, "expected an integer");
        if (found->is_number_unsigned() && !std::in_range<T>(found->template get<std::uint64_t>())) {
          throw failure(std::string{"metadata."} + key, "integer out of range: " + found->dump());
        }
      }
      target = found->template get<T>();
    } catch (const json::exception& error) {
      throw failure(std::string{"metadata."} + key, error.what());
    }
  };
  read("causation_message_stream_name", result.causation_message_stream_name);
  read("causation_message_position", result.causation_message_position);
  read("causation_message_global_position", result.causation_message_global_position);
  read("correlation_stream_name", result.correlation_stream_name);
  read("reply_stream_name", result.reply_stream_name);
  read("schema_version", result.schema_version);
  for (const auto& [key, target] : {std::pair{"properties", &result.properties},
                                    std::pair{"local_properties", &result.local_properties}}) {
    const auto found = object.find(key);
    if (found == object.end() || found->is_null()) continue;
    if (!found->is_object()) throw failure(std::string{"metadata."} + key, "not a JSON object");
    *target = *found;
  }
  return result;
}

}  // namespace evt
