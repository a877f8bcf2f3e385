#include <evt/evt.hpp>
#include <evt/relay/webhook_sink.hpp>

#include <iostream>
#include <string>

int main() {
  // evt::webhook's libcurl at work: a POST to a port nobody listens on
  // fails with an error naming the URL.
  const std::string url = "http://127.0.0.1:9/evt-install-test";
  evt::relay::webhook_sink sink{{.url = url, .timeout = std::chrono::seconds{5}}};
  const evt::store::message_data message{.id = evt::random_uuid(), .type = "Noted", .stream_name = "note-1"};
  try {
    sink.deliver({.message = message});
  } catch (const evt::error& failure) {
    if (std::string{failure.what()}.find(url) == std::string::npos) return 1;
    std::cout << "webhook: " << failure.what() << '\n';
    return 0;
  }
  return 1;
}
