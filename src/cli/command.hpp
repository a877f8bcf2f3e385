#pragma once

// What every command shares: where the store is and how to print.
#include "cli/output.hpp"

#include <evt/store/session.hpp>

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

namespace evt::cli {

struct common_options {
  std::string database;  // a libpq conninfo; empty: libpq's PG* variables
  bool json = false;

  store::session session() const { return store::session{{.conninfo = database}}; }
  cli::output output() const;  // to standard output
};

// Adds the command to `app` with --database and --json, and returns it with
// the options it fills (they live as long as the command).
struct command {
  CLI::App* app;
  std::shared_ptr<common_options> options;
};
command add_command(CLI::App& parent, const std::string& name, const std::string& description);

// The commands (one file each).
void add_messages(CLI::App& app);
void add_summary(CLI::App& app);
void add_consumers(CLI::App& app);
void add_parked(CLI::App& app);
void add_tail(CLI::App& app);
void add_write(CLI::App& app);

}  // namespace evt::cli
