#include <evt/metrics/endpoint.hpp>

#include <evt/error.hpp>
#include <evt/metrics/exposition.hpp>
#include <evt/store/lag.hpp>
#include <evt/store/session.hpp>

#include <httplib.h>
#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <thread>

namespace evt::metrics {

struct endpoint::server {
  metrics::registry& registry;
  endpoint::settings settings;
  store::session session;
  httplib::Server http;
  int port = 0;
  std::atomic<bool> listening_ended{false};
  std::thread thread;

  server(metrics::registry& registry, endpoint::settings given)
      : registry{registry}, settings{std::move(given)}, session{settings.store} {}

  std::optional<store::lag> lag(const registry::reader& reader, std::int64_t position) {
    try {
      return store::category_lag(session, reader.category, position, reader.consumer_group);
    } catch (const std::exception& failure) {
      log_or_stderr(settings.log, "Lag not measured (Category: " + reader.category + ", Position Stream: " +
                                      reader.position_stream + ", Error: " + failure.what() + ")");
      return std::nullopt;
    }
  }

  void serve() {
    // The program's signals (SIGINT, SIGTERM) are for its own threads: a
    // host waits for them in its thread, with them blocked everywhere else.
    // The request threads start from this one, and inherit its mask.
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, nullptr);
    http.listen_after_bind();
    listening_ended = true;
  }
};

endpoint::endpoint(metrics::registry& registry, settings settings)
    : server_{std::make_unique<server>(registry, std::move(settings))} {
  auto& s = *server_;
  // One request at a time is all a scrape needs (the registry takes one at
  // a time anyway), and a second thread keeps a lingering keep-alive
  // connection from holding the next scraper up.
  s.http.new_task_queue = [] { return new httplib::ThreadPool(2); };
  // SO_REUSEADDR only (a restart need not wait out TIME_WAIT): httplib's
  // default adds SO_REUSEPORT, with which a second service started on the
  // same port would share it, and scrapes would reach either.
  s.http.set_socket_options([](socket_t socket) {
    const int yes = 1;
    setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  s.http.Get("/metrics", [&s](const httplib::Request&, httplib::Response& response) {
    const auto text = s.registry.scrape(
        [&s](const registry::reader& reader, std::int64_t position) { return s.lag(reader, position); });
    response.set_content(text, std::string{exposition::content_type});
  });
  const auto& address = s.settings.address;
  errno = 0;
  s.port = s.settings.port == 0 ? s.http.bind_to_any_port(address)
                                : (s.http.bind_to_port(address, s.settings.port) ? s.settings.port : -1);
  if (s.port <= 0) {
    const auto cause = errno != 0 ? std::string{std::strerror(errno)} : std::string{"cannot bind"};
    throw error{"Cannot serve metrics (Address: " + address + ", Port: " + std::to_string(s.settings.port) +
                ", Cause: " + cause + ")"};
  }
  s.thread = std::thread{[&s] { s.serve(); }};
}

endpoint::~endpoint() {
  auto& s = *server_;
  // stop() only stops a server that is listening: wait until it is (or
  // could not).
  while (!s.http.is_running() && !s.listening_ended) std::this_thread::sleep_for(std::chrono::milliseconds{1});
  s.http.stop();
  s.thread.join();
}

int endpoint::port() const noexcept { return server_->port; }

std::string endpoint::url() const {
  const auto& address = server_->settings.address;
  const auto host = address.find(':') == std::string::npos ? address : "[" + address + "]";  // IPv6
  return "http://" + host + ":" + std::to_string(server_->port) + "/metrics";
}

}  // namespace evt::metrics
