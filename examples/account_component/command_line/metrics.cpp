#include "command_line/metrics.hpp"

#include <CLI/CLI.hpp>

namespace account_component::command_line {

void add_metrics_options(CLI::App& app, metrics_options& options) {
  app.add_option("--metrics-port", options.port,
                 "serve Prometheus metrics on this port, GET /metrics (0: any free port, logged)")
      ->check(CLI::Range(0, 65535));
  app.add_option("--metrics-address", options.address, "the address the metrics are served on")
      ->capture_default_str();
}

std::unique_ptr<evt::metrics::endpoint> serve_metrics(const metrics_options& options, evt::metrics::registry& registry,
                                                      const evt::store::settings& store, const evt::log_sink& log) {
  if (!options.port) return nullptr;
  auto endpoint = std::make_unique<evt::metrics::endpoint>(
      registry,
      evt::metrics::endpoint::settings{.address = options.address, .port = *options.port, .store = store, .log = log});
  evt::log_or_stderr(log, "Metrics on " + endpoint->url());
  return endpoint;
}

}  // namespace account_component::command_line
