#pragma once

#include <evt/log.hpp>
#include <evt/metrics/registry.hpp>
#include <evt/store/settings.hpp>

#include <memory>
#include <string>

namespace evt::metrics {

// Serves a registry's metrics over HTTP for Prometheus: GET /metrics
// answers the text exposition format (version 0.0.4), from a thread of its
// own (which takes no signals: the program's stay with its own threads),
// from construction until destruction.
//
//   evt::metrics::registry metrics;
//   metrics.add(host).add(commands.reservation, "Commands");
//   evt::metrics::endpoint endpoint{metrics, {.port = 9394, .store = session.settings()}};
//   host.run();
//
// The lag is measured through a session of its own (settings.store), never
// a reader's: a reader is not slowed down, and its session stays its
// thread's. A lag that cannot be measured (the store is away) is left out
// of that scrape and logged.
//
// Only 127.0.0.1 by default: metrics say what the service does, and
// exposing them further is the operator's choice (address).
class endpoint {
 public:
  struct settings {
    std::string address = "127.0.0.1";
    int port = 0;  // 0: any free port (port() says which)
    store::settings store{};
    log_sink log = nullptr;  // lags that could not be measured; standard error without one
  };

  // Listening once constructed; an evt::error naming the address and port
  // when it cannot.
  endpoint(metrics::registry& registry, settings settings);
  ~endpoint();
  endpoint(const endpoint&) = delete;
  endpoint& operator=(const endpoint&) = delete;

  int port() const noexcept;
  // "http://ADDRESS:PORT/metrics".
  std::string url() const;

 private:
  struct server;
  std::unique_ptr<server> server_;
};

}  // namespace evt::metrics
