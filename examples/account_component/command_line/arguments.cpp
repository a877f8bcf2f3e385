#include "command_line/arguments.hpp"

#include <algorithm>
#include <charconv>
#include <csignal>
#include <iostream>

namespace account_component::command_line {

arguments::arguments(int argc, char** argv, const std::vector<std::string>& known_options) {
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (word.rfind("--", 0) != 0) {
      positional_.push_back(word);
      continue;
    }
    const auto name = word.substr(2);
    if (std::find(known_options.begin(), known_options.end(), name) == known_options.end()) {
      throw usage_error{"Unknown option " + word};
    }
    if (i + 1 == argc) throw usage_error{"Option " + word + " needs a value"};
    if (!options_.emplace(name, argv[++i]).second) throw usage_error{"Option " + word + " given twice"};
  }
}

std::optional<std::string> arguments::option(const std::string& name) const {
  const auto found = options_.find(name);
  if (found == options_.end()) return std::nullopt;
  return found->second;
}

std::optional<std::int64_t> arguments::number(const std::string& name, std::int64_t minimum, std::int64_t maximum) const {
  const auto text = option(name);
  if (!text) return std::nullopt;
  std::int64_t value = 0;
  const auto [end, status] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (status != std::errc{} || end != text->data() + text->size() || value < minimum || value > maximum) {
    throw usage_error{"Option --" + name + " must be a whole number from " + std::to_string(minimum) + " to " +
                      std::to_string(maximum) + " (given: " + *text + ")"};
  }
  return value;
}

const std::string& arguments::command() const {
  if (positional_.size() != 1) throw usage_error{"Say what to do"};
  return positional_.front();
}

namespace {
std::atomic<bool> stop_requested{false};
}  // namespace

const std::atomic<bool>& stop_on_signals() {
  std::signal(SIGINT, [](int) { stop_requested = true; });
  std::signal(SIGTERM, [](int) { stop_requested = true; });
  return stop_requested;
}

int run_program(const char* name, const char* usage, int argc, char** argv,
                const std::vector<std::string>& known_options, const std::function<int(const arguments&)>& program,
                const std::function<int(const std::exception&)>& status_of) {
  try {
    return program(arguments{argc, argv, known_options});
  } catch (const arguments::usage_error& error) {
    std::cerr << name << ": " << error.what() << "\n" << usage;
    return 2;
  } catch (const std::exception& error) {
    std::cerr << name << ": " << error.what() << "\n";
    return status_of ? status_of(error) : 1;
  }
}

}  // namespace account_component::command_line
