#include <evt/relay/file_sink.hpp>

#include <evt/clock.hpp>
#include <evt/error.hpp>
#include <evt/message/data_json.hpp>

#include <cerrno>
#include <cstring>

#include <fcntl.h>
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

file_sink::file_sink(std::string path) : path_{std::move(path)} {
  if (path_ == "-") {
    descriptor_ = STDOUT_FILENO;
    return;
  }
  descriptor_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (descriptor_ < 0) {
    throw error{"Cannot open the sink's file (Path: " + path_ + ", Cause: " + std::strerror(errno) + ")"};
  }
  // A line cut short (a crash in the middle of a write) is ended, so that
  // the next line starts on a line of its own.
  const auto size = ::lseek(descriptor_, 0, SEEK_END);
  char last = '\n';
  if (size > 0) {
    const int reader = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (reader >= 0) {
      if (::pread(reader, &last, 1, size - 1) != 1) last = '\n';
      ::close(reader);
    }
  }
  if (last != '\n' && ::write(descriptor_, "\n", 1) != 1) {
    throw error{"Cannot write to the sink's file (Path: " + path_ + ", Cause: " + std::strerror(errno) + ")"};
  }
}

file_sink::~file_sink() {
  if (descriptor_ != STDOUT_FILENO) ::close(descriptor_);
}

void file_sink::deliver(const delivery& delivery) {
  const auto line = delivery_json(delivery) + "\n";
  const auto failed = [&](std::string cause) {
    return error{"Cannot write to the sink's file (Path: " + path_ + ", Message Id: " + delivery.message.id +
                 ", Cause: " + cause + ")"};
  };
  const auto before = path_ == "-" ? off_t{-1} : ::lseek(descriptor_, 0, SEEK_END);
  std::size_t written = 0;
  while (written < line.size()) {
    const auto wrote = ::write(descriptor_, line.data() + written, line.size() - written);
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote <= 0) {
      std::string cause = wrote < 0 ? std::strerror(errno) : "nothing written";
      // No half line for the next delivery to follow (a full disk).
      if (before >= 0 && ::ftruncate(descriptor_, before) != 0) cause += "; the part written stays";
      throw failed(cause);
    }
    written += static_cast<std::size_t>(wrote);
  }
  // Delivered means on disk: a relay that records the position next must
  // not lose the line in a crash.
  if (path_ != "-" && ::fsync(descriptor_) != 0) throw failed(std::strerror(errno));
}

}  // namespace evt::relay
