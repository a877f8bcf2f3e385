#include <evt/message/metadata.hpp>

#include <evt/message/casing.hpp>
#include <evt/stream_name.hpp>

namespace evt {
namespace {

// Equal and known: two absent values do not make a match.
template <class T>
bool same_and_known(const std::optional<T>& ours, const std::optional<T>& theirs) {
  return ours.has_value() && ours == theirs;
}

// When the preceding message has one, ours must be the same.
template <class T>
bool matches_if_set(const std::optional<T>& ours, const std::optional<T>& theirs) {
  return !theirs.has_value() || ours == theirs;
}

std::optional<std::string> joined_identifier(const std::optional<std::string>& stream_name,
                                             const std::optional<std::int64_t>& position) {
  if (!stream_name || !position) return std::nullopt;
  return *stream_name + "/" + std::to_string(*position);
}

const nlohmann::json* find(const nlohmann::json& object, const std::string& name) {
  const auto found = object.find(name);
  return found == object.end() ? nullptr : &*found;
}

}  // namespace

void metadata::follow(const metadata& preceding) {
  causation_message_stream_name = preceding.stream_name;
  causation_message_position = preceding.position;
  causation_message_global_position = preceding.global_position;
  correlation_stream_name = preceding.correlation_stream_name;
  reply_stream_name = preceding.reply_stream_name;
  for (const auto& [name, value] : preceding.properties.items()) properties[name] = value;
}

bool metadata::follows(const metadata& preceding) const {
  return same_and_known(causation_message_stream_name, preceding.stream_name) &&
         same_and_known(causation_message_position, preceding.position) &&
         same_and_known(causation_message_global_position, preceding.global_position) &&
         matches_if_set(correlation_stream_name, preceding.correlation_stream_name) &&
         matches_if_set(reply_stream_name, preceding.reply_stream_name);
}

bool metadata::is_correlated(std::string_view stream_name_or_category) const {
  if (!correlation_stream_name) return false;
  const auto name = camel_case(stream_name_or_category);
  if (evt::is_category(name)) return evt::category(*correlation_stream_name) == name;
  return *correlation_stream_name == name;
}

std::optional<std::string> metadata::identifier() const { return joined_identifier(stream_name, position); }

std::optional<std::string> metadata::causation_message_identifier() const {
  return joined_identifier(causation_message_stream_name, causation_message_position);
}

void metadata::set_property(const std::string& name, nlohmann::json value) { properties[name] = std::move(value); }
const nlohmann::json* metadata::property(const std::string& name) const { return find(properties, name); }
void metadata::delete_property(const std::string& name) { properties.erase(name); }

void metadata::set_local_property(const std::string& name, nlohmann::json value) {
  local_properties[name] = std::move(value);
}
const nlohmann::json* metadata::local_property(const std::string& name) const { return find(local_properties, name); }
void metadata::delete_local_property(const std::string& name) { local_properties.erase(name); }

}  // namespace evt
