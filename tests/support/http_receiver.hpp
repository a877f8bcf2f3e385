#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace evt::test {

// A webhook receiver on 127.0.0.1 (a port of its own) for sink tests: it
// answers each POST with the next status of `statuses` (200 once they run
// out) and keeps what it got.
class http_receiver {
 public:
  struct request {
    std::map<std::string, std::string> headers;  // names in lower case
    std::string body;
    int answered = 0;
  };

  explicit http_receiver(std::vector<int> statuses = {});
  ~http_receiver();
  http_receiver(const http_receiver&) = delete;
  http_receiver& operator=(const http_receiver&) = delete;

  std::string url() const;
  std::vector<request> requests() const;

 private:
  void serve();

  int listener_ = -1;
  int port_ = 0;
  std::vector<int> statuses_;
  mutable std::mutex mutex_;
  std::vector<request> requests_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace evt::test
