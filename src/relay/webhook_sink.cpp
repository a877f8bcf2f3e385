#include <evt/relay/webhook_sink.hpp>

#include <evt/error.hpp>
#include <evt/relay/file_sink.hpp>

#include <curl/curl.h>


namespace evt::relay {

struct webhook_sink::handle {
  CURL* curl = nullptr;
  ~handle() {
    if (curl != nullptr) curl_easy_cleanup(curl);
  }
};

namespace {

// The answer's body is not wanted; libcurl would print it otherwise.
std::size_t discard(char*, std::size_t size, std::size_t count, void*) { return size * count; }

}  // namespace

webhook_sink::webhook_sink(settings settings) : settings_{std::move(settings)}, handle_{std::make_unique<handle>()} {
  // Once per process (libcurl 7.84 and later make it thread-safe; before,
  // the program must not start other libcurl users at the same moment).
  static const CURLcode initialised = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (initialised != CURLE_OK) {
    throw error{"Cannot start libcurl (URL: " + settings_.url + ", Cause: " + curl_easy_strerror(initialised) + ")"};
  }
  handle_->curl = curl_easy_init();
  if (handle_->curl == nullptr) throw error{"Cannot start an HTTP client (URL: " + settings_.url + ")"};
}

webhook_sink::~webhook_sink() = default;

void webhook_sink::deliver(const delivery& delivery) {
  const auto body = delivery_json(delivery);
  const auto& id = delivery.message.id;
  const auto failed = [&](const std::string& cause) {
    return error{"Webhook did not take the message (URL: " + settings_.url + ", Message Id: " + id + ", Cause: " +
                 cause + ")"};
  };
  struct curl_slist* headers = nullptr;
  for (const auto& header : {std::string{"Content-Type: application/json"}, "Idempotency-Key: " + id,
                             std::string{"Evt-Redelivery: "} + (delivery.redelivery ? "true" : "false")}) {
    headers = curl_slist_append(headers, header.c_str());
  }
  const std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> owned{headers, &curl_slist_free_all};
  auto* curl = handle_->curl;
  curl_easy_setopt(curl, CURLOPT_URL, settings_.url.c_str());
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(settings_.timeout.count()));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &discard);
  const auto result = curl_easy_perform(curl);
  if (result != CURLE_OK) throw failed(curl_easy_strerror(result));
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  if (status < 200 || status > 299) throw failed("HTTP status " + std::to_string(status));
}

}  // namespace evt::relay
