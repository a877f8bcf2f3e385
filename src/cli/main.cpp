// evt: a command line for operators of the message store. Exit 0 on
// success, 1 when the store refuses or cannot be reached, 2 on bad usage.
#include "cli/arguments.hpp"
#include "cli/command.hpp"

#include <CLI/CLI.hpp>

#include <exception>
#include <iostream>

int main(int argc, char** argv) {
  CLI::App app{"evt: look into a Message DB message store and unstick it", "evt"};
  app.footer(
      "Every command takes --database CONNINFO (else libpq's PG* variables say where the store is), --json (one\n"
      "JSON object per line) and --help. Exit status: 0 done, 1 the store refused or cannot be reached, 2 bad usage.");
  app.require_subcommand(1);
  evt::cli::add_messages(app);
  evt::cli::add_summary(app);
  evt::cli::add_consumers(app);
  evt::cli::add_parked(app);
  evt::cli::add_tail(app);
  evt::cli::add_write(app);
  try {
    app.parse(argc, argv);  // runs the command given
    return 0;
  } catch (const CLI::ParseError& error) {
    // Help is a success; every other parse error is bad usage, whatever
    // CLI11's own code for it.
    const auto code = app.exit(error);
    return code == 0 ? 0 : 2;
  } catch (const evt::cli::usage_error& error) {
    std::cerr << "evt: " << error.what() << "\n";
    return 2;
  } catch (const std::exception& error) {
    std::cerr << "evt: " << error.what() << "\n";
    return 1;
  }
}
