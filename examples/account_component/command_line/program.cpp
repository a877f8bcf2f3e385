#include "command_line/program.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <iostream>

namespace account_component::command_line {
namespace {

constexpr int usage_status = 2;

void apply_conventions(CLI::App& app) {
  app.failure_message([](const CLI::App* failed, const CLI::Error& error) {
    return failed->get_name() + ": " + CLI::FailureMessage::simple(failed, error);
  });
  for (auto* subcommand : app.get_subcommands([](CLI::App*) { return true; })) subcommand->fallthrough();
}

// The words the parse did not understand, in the order given (CLI11 2.1's
// own ExtrasError lists them backwards: it joins them from the end).
CLI::ExtrasError not_understood(const CLI::App& app) {
  auto words = app.remaining(true);
  std::reverse(words.begin(), words.end());
  return CLI::ExtrasError{words};
}

// CLI::App::exit prints --help's usage (status 0) or the error; CLI11's own
// statuses for errors (105, 106, ...) become the one usage status.
int exit_on(const CLI::App& app, const CLI::Error& error) { return app.exit(error) == 0 ? 0 : usage_status; }

}  // namespace

int run_program(CLI::App& app, int argc, char** argv, const std::function<int()>& program,
                const std::function<int(const std::exception&)>& status_of) {
  apply_conventions(app);
  try {
    app.parse(argc, argv);
    return program();
  } catch (const CLI::RequiredError& error) {
    // CLI11 checks what is missing before what it did not understand; the
    // words it did not understand are the mistake to name ("frob" in
    // "account-client frob", which then lacks a command).
    if (app.remaining_size(true) > 0) return exit_on(app, not_understood(app));
    return exit_on(app, error);
  } catch (const CLI::ExtrasError&) {
    return exit_on(app, not_understood(app));
  } catch (const CLI::ParseError& error) {
    return exit_on(app, error);
  } catch (const std::exception& error) {
    std::cerr << app.get_name() << ": " << error.what() << "\n";
    return status_of ? status_of(error) : 1;
  }
}

}  // namespace account_component::command_line
