#include "command_line/validators.hpp"

#include <evt/error.hpp>
#include <evt/money.hpp>

namespace account_component::command_line {

const CLI::Validator& decimal() {
  static const CLI::Validator check{[](const std::string& text) -> std::string {
                                      try {
                                        evt::money::parse(text);
                                        return {};
                                      } catch (const evt::error&) {
                                        return "must be a decimal number like 11.50 (given: " + text + ")";
                                      }
                                    },
                                    "DECIMAL"};
  return check;
}

const CLI::Validator& not_blank() {
  static const CLI::Validator check{[](const std::string& text) -> std::string {
                                      const bool blank = text.find_first_not_of(" \t\n") == std::string::npos;
                                      return blank ? "must not be blank" : "";
                                    },
                                    ""};
  return check;
}

}  // namespace account_component::command_line
