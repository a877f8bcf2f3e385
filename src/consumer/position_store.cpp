#include <evt/consumer/position_store.hpp>

#include <evt/error.hpp>
#include <evt/store/get.hpp>
#include <evt/store/put.hpp>
#include <evt/stream_name.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <stdexcept>

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

namespace {

// The group as the metadata's local properties hold it; nothing when they
// do not say (a position recorded by another writer, or before groups were
// recorded): that is no error, an operator's tool then says it cannot tell.
nlohmann::json local_properties(const std::optional<std::string>& metadata) {
  if (!metadata) return nullptr;
  const auto json = nlohmann::json::parse(*metadata, nullptr, false);
  if (!json.is_object() || !json.contains("localProperties") || !json["localProperties"].is_object()) return nullptr;
  return json["localProperties"];
}

std::optional<store::consumer_group> group_of(const nlohmann::json& local) {
  if (!local.is_object()) return std::nullopt;
  const auto member = local.find("consumerGroupMember");
  const auto size = local.find("consumerGroupSize");
  if (member == local.end() || size == local.end() || !member->is_number_integer() || !size->is_number_integer()) {
    return std::nullopt;
  }
  const store::consumer_group group{.member = member->get<std::int64_t>(), .size = size->get<std::int64_t>()};
  // Another writer's nonsense is as good as nothing: it must not stop a tool.
  if (group.size < 1 || group.member < 0 || group.member >= group.size) return std::nullopt;
  return group;
}

}  // namespace

position_store::record position_store::read(const store::message_data& recorded) {
  try {
    if (recorded.type != "Recorded") throw std::invalid_argument{"not a Recorded message"};
    const auto position = nlohmann::json::parse(recorded.data.value_or("{}")).at("position").get<std::int64_t>();
    const auto local = local_properties(recorded.metadata);
    record found{.position = position, .group = group_of(local)};
    if (found.group) {
      const auto start = local.find("consumerGroupStart");
      if (start != local.end() && start->is_number_integer()) found.group_start = start->get<std::int64_t>();
    }
    return found;
  } catch (const std::exception& failure) {  // json's errors too
    throw decode_error{recorded.stream_name, recorded.position, recorded.type, "position", failure.what()};
  }
}

std::optional<std::int64_t> position_store::get() {
  const auto last = store::get_last(*session_, stream_name_, "Recorded");
  if (!last) return std::nullopt;
  return read(*last).position;
}

store::new_message position_store::recorded(std::int64_t position, std::optional<store::consumer_group> group,
                                            std::optional<std::int64_t> group_start) {
  store::new_message message{.type = "Recorded", .data = nlohmann::json{{"position", position}}.dump()};
  if (group) {
    nlohmann::json local{{"consumerGroupMember", group->member}, {"consumerGroupSize", group->size}};
    if (group_start) local["consumerGroupStart"] = *group_start;
    message.metadata = nlohmann::json{{"localProperties", local}}.dump();
  }
  return message;
}

void position_store::put(std::int64_t position) {
  // Losing a recorded position in a server crash only means handling a few
  // messages again (delivery is at least once anyway): not worth a flush.
  store::put_unflushed(*session_, recorded_message(position), stream_name_);
}

}  // namespace evt
