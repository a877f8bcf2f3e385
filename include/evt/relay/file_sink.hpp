#pragma once

#include <evt/relay/sink.hpp>

#include <string>

namespace evt::relay {

// The JSON a sink sends for a delivery: {"id", "streamName", "position",
// "globalPosition", "type", "time", "data", "metadata", "redelivery"}, the
// data and metadata as the store holds them (JSON, or null).
std::string delivery_json(const delivery& delivery);

// Appends one line of delivery_json per message to a file ("-": standard
// output), written whole and synced before deliver() returns; a write that
// fails leaves no part of its line behind.
class file_sink final : public sink {
 public:
  explicit file_sink(std::string path);
  ~file_sink() override;
  file_sink(const file_sink&) = delete;
  file_sink& operator=(const file_sink&) = delete;

  void deliver(const delivery& delivery) override;

 private:
  std::string path_;
  int descriptor_ = -1;
};

}  // namespace evt::relay
