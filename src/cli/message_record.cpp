#include "cli/message_record.hpp"

namespace evt::cli {
namespace {

value json_or_null(const std::optional<std::string>& text) {
  if (!text) return std::monostate{};
  return raw_json{*text};
}

}  // namespace

record message_record(const store::message_data& message) {
  return {{"global_position", message.global_position},
          {"stream_name", message.stream_name},
          {"position", message.position},
          {"type", message.type},
          {"time", message.time},
          {"id", message.id},
          {"data", json_or_null(message.data)},
          {"metadata", json_or_null(message.metadata)}};
}

}  // namespace evt::cli
