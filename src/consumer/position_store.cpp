#include <evt/consumer/position_store.hpp>

#include <evt/error.hpp>
#include <evt/store/get.hpp>
#include <evt/store/put.hpp>
#include <evt/stream_name.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>

namespace evt {

std::string position_store::stream_name(std::string_view category, std::optional<std::string_view> identifier) {
  if (!is_category(category)) {
    throw stream_name_error{"Position store's stream name must be a category (Stream Name: " + std::string{category} + ")"};
  }
  // The category's types plus "position", unless it is one of them already.
  auto types = category_types(category);
  if (std::find(types.begin(), types.end(), "position") == types.end()) types.emplace_back("position");
  auto name = category_stream_name(entity_name(category), types);
  if (identifier) {
    if (identifier->empty()) throw stream_name_error{"Consumer identifier must not be empty (Category: " + std::string{category} + ")"};
    name += "-";
    name += *identifier;
  }
  return name;
}

std::optional<std::int64_t> position_store::get() {
  const auto last = store::get_last(*session_, stream_name_, "Recorded");
  if (!last) return std::nullopt;
  try {
    return nlohmann::json::parse(last->data.value_or("{}")).at("position").get<std::int64_t>();
  } catch (const nlohmann::json::exception& failure) {
    throw decode_error{stream_name_, last->position, last->type, "position", failure.what()};
  }
}

store::new_message position_store::recorded(std::int64_t position) {
  return {.type = "Recorded", .data = nlohmann::json{{"position", position}}.dump()};
}

void position_store::put(std::int64_t position) {
  // Losing a recorded position in a server crash only means handling a few
  // messages again (delivery is at least once anyway): not worth a flush.
  store::put_unflushed(*session_, recorded(position), stream_name_);
}

}  // namespace evt
