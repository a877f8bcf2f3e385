#include "cli/command.hpp"

#include <iostream>

namespace evt::cli {

output common_options::output() const { return cli::output{std::cout, json}; }

command add_command(CLI::App& parent, const std::string& name, const std::string& description) {
  auto options = std::make_shared<common_options>();
  auto* app = parent.add_subcommand(name, description);
  app->add_option("--database", options->database,
                  "libpq connection string or URI (default: libpq's PGHOST, PGPORT, PGDATABASE, PGUSER, ...)");
  app->add_flag("--json", options->json, "one JSON object per line, for scripts (default: an aligned table)");
  return {app, std::move(options)};
}

}  // namespace evt::cli
