#include <evt/message/casing.hpp>

namespace evt {
namespace {

bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
char lower(char c) { return is_upper(c) ? static_cast<char>(c - 'A' + 'a') : c; }
char upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

}  // namespace

std::string camel_case(std::string_view snake_case) {
  std::string camel;
  camel.reserve(snake_case.size());
  bool capitalize_next = false;
  for (const char c : snake_case) {
    if (c == '_' && !camel.empty()) {
      capitalize_next = true;
      continue;
    }
    camel += capitalize_next ? upper(c) : c;
    capitalize_next = false;
  }
  return camel;
}

// Scanning left to right without overlapping matches, a '_' goes between
// any character and a following capital (Ruby: gsub(/(.)([A-Z])/, '\1_\2'));
// then '-' becomes '_' and everything is lower case.
std::string snake_case(std::string_view camel_case) {
  std::string snake;
  snake.reserve(camel_case.size() + 4);
  const auto emit = [&](char c) { snake += c == '-' ? '_' : lower(c); };
  for (std::size_t i = 0; i < camel_case.size(); ++i) {
    emit(camel_case[i]);
    if (i + 1 < camel_case.size() && is_upper(camel_case[i + 1])) {
      snake += '_';
      emit(camel_case[++i]);
    }
  }
  return snake;
}

}  // namespace evt
