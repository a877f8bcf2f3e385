// account-api: the account component over HTTP (README, "The HTTP API").
// Runs until SIGINT or SIGTERM, then answers the requests it took and exits
// 0; exits 1 when it fails, 2 on bad usage (--help says what it takes).
//
//   account-api [--database CONNINFO] [--address A] [--port P] [--tokens-file F]
//               [--cert PEM --key PEM] [--wait-ms MS] [--lease-ms MS] [--retention-seconds S]
//               [--max-body-bytes N] [--threads N] [--metrics-port PORT [--metrics-address A]]
//
// It writes commands and reads outcomes; the account component
// (account-component) handles them. Logs "Account API listening on URL".
#include "api/service.hpp"
#include "command_line/metrics.hpp"
#include "command_line/program.hpp"
#include "command_line/signals.hpp"

#include <evt/error.hpp>

#include <CLI/CLI.hpp>
#include <httplib.h>
#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <iostream>
#include <memory>
#include <mutex>
#include <thread>

namespace {

struct options {
  std::string database;
  std::string address = "127.0.0.1";
  int port = 8080;
  std::string tokens_file;
  std::string cert;
  std::string key;
  std::int64_t wait_ms = account_api::service::settings{}.wait.count();
  std::int64_t lease_ms = account_api::service::settings{}.lease.count();
  std::int64_t retention_seconds = 24 * 60 * 60;
  std::size_t max_body_bytes = account_api::service::settings{}.max_body;
  std::size_t threads = account_api::service::settings{}.threads;
  account_component::command_line::metrics_options metrics;
};

int run(const options& given) {
  auto credentials = given.tokens_file.empty() ? account_api::credentials{}
                                               : account_api::credentials::from_file(given.tokens_file);
  if (!credentials.allows_address(given.address)) {
    throw CLI::ValidationError{"--address", "listening beyond a loopback address needs --tokens-file"};
  }
  if (given.cert.empty() != given.key.empty()) throw CLI::ValidationError{"--cert", "--cert and --key go together"};

  std::mutex output;
  const evt::log_sink log = [&output](const std::string& line) {
    const std::lock_guard lock{output};
    std::cout << line << std::endl;
  };
  account_api::service::settings settings;
  settings.wait = std::chrono::milliseconds{given.wait_ms};
  settings.lease = std::chrono::milliseconds{given.lease_ms};
  settings.retention = std::chrono::seconds{given.retention_seconds};
  settings.max_body = given.max_body_bytes;
  settings.threads = given.threads;
  settings.store = evt::store::settings{.conninfo = given.database};
  settings.log = log;
  account_api::service api{settings, std::move(credentials)};

  const bool tls = !given.cert.empty();
  std::unique_ptr<httplib::Server> server;
  if (tls) {
    server = std::make_unique<httplib::SSLServer>(given.cert.c_str(), given.key.c_str());
    if (!server->is_valid()) {
      throw evt::error{"Cannot serve TLS with this certificate and key (Cert: " + given.cert + ", Key: " + given.key + ")"};
    }
  } else {
    server = std::make_unique<httplib::Server>();
  }
  evt::metrics::requests requests;
  api.serve_on(*server, requests);
  // SO_REUSEADDR only: with httplib's SO_REUSEPORT a second API started on
  // the same port would share it.
  server->set_socket_options([](socket_t socket) {
    const int yes = 1;
    setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  errno = 0;
  const int port = given.port == 0 ? server->bind_to_any_port(given.address)
                                   : (server->bind_to_port(given.address, given.port) ? given.port : -1);
  if (port <= 0) {
    throw evt::error{"Cannot serve HTTP (Address: " + given.address + ", Port: " + std::to_string(given.port) +
                     ", Cause: " + (errno != 0 ? std::strerror(errno) : "cannot bind") + ")"};
  }
  evt::metrics::registry metrics;
  metrics.add(requests);
  const auto endpoint = account_component::command_line::serve_metrics(given.metrics, metrics, settings.store, log);

  const auto& stop = account_component::command_line::stop_on_signals();
  std::atomic<bool> listening_failed{false};
  std::thread listening{[&server, &listening_failed] {
    sigset_t all;  // the signals are the main thread's
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, nullptr);
    listening_failed = !server->listen_after_bind();
  }};
  const auto host = given.address.find(':') == std::string::npos ? given.address : "[" + given.address + "]";
  log("Account API listening on " + std::string{tls ? "https" : "http"} + "://" + host + ":" + std::to_string(port) +
      " (Clients: " + (given.tokens_file.empty() ? "local, no token" : "tokens of " + given.tokens_file) +
      ", Wait: " + std::to_string(given.wait_ms) + " ms)");
  while (!stop && !listening_failed) std::this_thread::sleep_for(std::chrono::milliseconds{20});
  server->stop();
  listening.join();
  if (listening_failed) {
    log("Account API failed: it stopped accepting connections");
    return 1;
  }
  log("Account API stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"The account component over HTTP, every POST idempotent by its Idempotency-Key header, until SIGINT "
               "or SIGTERM (then exit 0).",
               "account-api"};
  options given;
  app.add_option("--database", given.database, "libpq conninfo of the store (default: libpq's PG* variables)");
  app.add_option("--address", given.address, "the address to listen on; beyond loopback only with --tokens-file")
      ->capture_default_str();
  app.add_option("--port", given.port, "the port to listen on (0: any free port, logged)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  app.add_option("--tokens-file", given.tokens_file, "clients and their bearer tokens, one \"NAME TOKEN\" a line")
      ->check(CLI::ExistingFile);
  app.add_option("--cert", given.cert, "serve HTTPS with this PEM certificate (with --key)")->check(CLI::ExistingFile);
  app.add_option("--key", given.key, "the PEM private key of --cert")->check(CLI::ExistingFile);
  app.add_option("--wait-ms", given.wait_ms, "how long a POST waits for its outcome before it answers 202")
      ->check(CLI::Range(0, 60'000))
      ->capture_default_str();
  app.add_option("--lease-ms", given.lease_ms,
                 "how long beyond --wait-ms a POST holds its key: a retry after a crash gets 409 until then")
      ->check(CLI::Range(100, 3'600'000))
      ->capture_default_str();
  app.add_option("--retention-seconds", given.retention_seconds,
                 "how long answers are kept for replays; then a key may be used again")
      ->check(CLI::Range(1, 366 * 24 * 60 * 60))
      ->capture_default_str();
  app.add_option("--max-body-bytes", given.max_body_bytes, "larger request bodies are refused (413)")
      ->check(CLI::Range(64, 1 << 20))
      ->capture_default_str();
  app.add_option("--threads", given.threads, "requests answered at once, each with a store connection")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  account_component::command_line::add_metrics_options(app, given.metrics);
  return account_component::command_line::run_program(app, argc, argv, [&] { return run(given); });
}
