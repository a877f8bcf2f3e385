#pragma once

#include <evt/relay/sink.hpp>

#include <chrono>
#include <memory>
#include <string>

namespace evt::relay {

// POSTs delivery_json to a URL (libcurl) with the headers
// "Idempotency-Key: <message id>" and "Evt-Redelivery: true|false". A 2xx
// answer is delivered; anything else (another status, a timeout, no
// connection) is an evt::error naming the URL, the message id and the cause.
class webhook_sink final : public sink {
 public:
  struct settings {
    std::string url;
    std::chrono::milliseconds timeout{std::chrono::seconds{10}};
  };

  explicit webhook_sink(settings settings);
  ~webhook_sink() override;
  webhook_sink(const webhook_sink&) = delete;
  webhook_sink& operator=(const webhook_sink&) = delete;

  void deliver(const delivery& delivery) override;

 private:
  struct handle;
  settings settings_;
  std::unique_ptr<handle> handle_;
};

}  // namespace evt::relay
