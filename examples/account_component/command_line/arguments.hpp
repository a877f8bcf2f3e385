#pragma once

#include <cstdint>
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
  std::optional<std::string> option(const std::string& name) const;
  // The option as a whole number in [minimum, maximum], if given.
  std::optional<std::int64_t> number(const std::string& name, std::int64_t minimum, std::int64_t maximum) const;

 private:
  std::vector<std::string> positional_;
  std::map<std::string, std::string> options_;
};

}  // namespace account_component::command_line
