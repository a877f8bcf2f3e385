#pragma once

#include <CLI/CLI.hpp>

namespace account_component::command_line {

// Checks on the words of the examples' programs, for CLI::Option::check:
// a failed check is a usage error (exit 2) that names the option.

// An amount of money: a decimal number like 11.50 (evt::money::parse).
const CLI::Validator& decimal();

// A word with something in it ("--key ''" or "--key ' '" is no key).
const CLI::Validator& not_blank();

}  // namespace account_component::command_line
