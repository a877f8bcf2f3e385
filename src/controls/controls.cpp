#include <evt/controls/controls.hpp>

#include <evt/uuid.hpp>

#include <chrono>

namespace evt::controls {

std::string id() { return random_uuid(); }

time_point time() {
  using namespace std::chrono;
  return time_point{sys_days{year{2000} / 1 / 1} + 11h + 11min + 11s};
}

std::string time_text() { return iso8601(time()); }

std::string category(std::string_view prefix) { return std::string{prefix} + "X" + random_uuid().substr(0, 8); }

std::string stream_name(std::string_view category) {
  return (category.empty() ? controls::category() : std::string{category}) + "-" + random_uuid();
}

evt::metadata metadata() {
  evt::metadata metadata{.message_id = id(),
                         .stream_name = "someStream-" + id(),
                         .position = 1,
                         .global_position = 11,
                         .time = controls::time(),
                         .causation_message_stream_name = "causationStream-" + id(),
                         .causation_message_position = 2,
                         .causation_message_global_position = 22,
                         .correlation_stream_name = "correlationStream-" + id(),
                         .reply_stream_name = "replyStream-" + id()};
  metadata.set_property("some_property", "some property value");
  return metadata;
}

evt::metadata reserved_metadata(std::string_view idempotence_key) {
  const auto original = metadata();
  evt::metadata reserved{.message_id = id(),
                         .stream_name = *original.stream_name + "+" + std::string{idempotence_key},
                         .position = 0,
                         .global_position = 33,
                         .time = controls::time()};
  reserved.follow(original);
  reserved.set_local_property("reserved", *original.message_id);
  return reserved;
}

SomeMessage some_message() {
  SomeMessage message{.some_attribute = "some value", .other_attribute = "other value"};
  message.metadata = metadata();
  return message;
}

}  // namespace evt::controls
