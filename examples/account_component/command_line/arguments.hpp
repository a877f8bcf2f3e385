#pragma once

#include <atomic>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace account_component::command_line {

// Command-line words: positional ones and "--name value" options, each
// option allowed once and only if the program knows it.
class arguments {
 public:
  struct usage_error : std::runtime_error {
    using std::runtime_error::runtime_error;
  };

  arguments(int argc, char** argv, const std::vector<std::string>& known_options);

  const std::vector<std::string>& positional() const noexcept { return positional_; }
  // The one positional word of a program of commands ("open", "run", ...);
  // a usage_error without exactly one.
  const std::string& command() const;
  std::optional<std::string> option(const std::string& name) const;
  // The option as a whole number in [minimum, maximum], if given.
  std::optional<std::int64_t> number(const std::string& name, std::int64_t minimum, std::int64_t maximum) const;

 private:
  std::vector<std::string> positional_;
  std::map<std::string, std::string> options_;
};

// From now on, SIGINT and SIGTERM ask the program to stop: the flag turns
// true (the program finishes what it does, then exits 0).
const std::atomic<bool>& stop_on_signals();

// A program's main: reads the words, runs `program`, and turns errors into
// exit statuses: a usage_error prints its message and `usage` (2), any other
// error its message (`status_of(error)`, 1 without it).
int run_program(const char* name, const char* usage, int argc, char** argv,
                const std::vector<std::string>& known_options, const std::function<int(const arguments&)>& program,
                const std::function<int(const std::exception&)>& status_of = nullptr);

}  // namespace account_component::command_line
