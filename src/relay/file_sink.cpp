#include <evt/relay/file_sink.hpp>

#include <evt/clock.hpp>
#include <evt/error.hpp>
#include <evt/message/data_json.hpp>

#include <cerrno>
#include <cstring>

#include <unistd.h>

namespace evt::relay {

std::string delivery_json(const delivery& delivery) {
  const auto& message = delivery.message;
  const auto stored = [](const std::optional<std::string>& text) {
    return text ? detail::parse_json(*text) : detail::json(nullptr);
  };
  const detail::json line{{"id", message.id},
                          {"streamName", message.stream_name},
                          {"position", message.position},
                          {"globalPosition", message.global_position},
                          {"type", message.type},
                          {"time", iso8601(message.time)},
                          {"data", stored(message.data)},
                          {"metadata", stored(message.metadata)},
                          {"redelivery", delivery.redelivery}};
  return detail::json_text(line, "the delivery of message " + message.id);
}

file_sink::file_sink(std::string path)
    : path_{std::move(path)}, file_{path_ == "-" ? stdout : std::fopen(path_.c_str(), "a")} {
  if (file_ == nullptr) throw error{"Cannot open the sink's file (Path: " + path_ + ", Cause: " + std::strerror(errno) + ")"};
}

file_sink::~file_sink() {
  if (file_ != stdout) std::fclose(file_);
}

void file_sink::deliver(const delivery& delivery) {
  const auto line = delivery_json(delivery) + "\n";
  // Delivered means on disk: a relay that records the position next must
  // not lose the line in a crash.
  if (std::fwrite(line.data(), 1, line.size(), file_) != line.size() || std::fflush(file_) != 0 ||
      (file_ != stdout && ::fsync(::fileno(file_)) != 0)) {
    throw error{"Cannot write to the sink's file (Path: " + path_ + ", Message Id: " + delivery.message.id +
                ", Cause: " + std::strerror(errno) + ")"};
  }
}

}  // namespace evt::relay
