#pragma once

#include <evt/log.hpp>
#include <evt/metrics/endpoint.hpp>
#include <evt/metrics/registry.hpp>
#include <evt/store/settings.hpp>

#include <memory>
#include <optional>
#include <string>

namespace CLI {
class App;
}  // namespace CLI

namespace account_component::command_line {

// What the programs that run consumers, a projector or a relay take to
// serve their metrics (evt::metrics): --metrics-port PORT (0: any free
// port) and --metrics-address ADDRESS (127.0.0.1 by default).
struct metrics_options {
  std::optional<int> port;
  std::string address = "127.0.0.1";
};
void add_metrics_options(CLI::App& app, metrics_options& options);

// Without a port, nothing. Otherwise the registry's metrics served from
// now on (the lag measured on a session of their own, to `store`), and
// "Metrics on http://ADDRESS:PORT/metrics" logged.
std::unique_ptr<evt::metrics::endpoint> serve_metrics(const metrics_options& options, evt::metrics::registry& registry,
                                                      const evt::store::settings& store, const evt::log_sink& log);

}  // namespace account_component::command_line
