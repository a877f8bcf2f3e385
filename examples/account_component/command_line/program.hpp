#pragma once

#include <exception>
#include <functional>

namespace CLI {
class App;
}  // namespace CLI

namespace account_component::command_line {

// A program's main: parses the words into `app` (its options, positionals
// and subcommands, with descriptions for --help), then runs `program`.
// Before parsing, it applies the examples' conventions: the program's own
// options are accepted after a subcommand too ("account-opening open ...
// --database D"), and an error message starts with the program's name.
//
// Exit statuses: --help prints the usage (0); a CLI::ParseError, from the
// parse or thrown by `program` for a check CLI11 cannot express, prints its
// message (2); any other error prints its message (`status_of(error)`, 1
// without it); otherwise what `program` returns.
int run_program(CLI::App& app, int argc, char** argv, const std::function<int()>& program,
                const std::function<int(const std::exception&)>& status_of = nullptr);

}  // namespace account_component::command_line
