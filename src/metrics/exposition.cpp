#include <evt/metrics/exposition.hpp>

#include <evt/error.hpp>

#include <array>
#include <charconv>
#include <cmath>

namespace evt::metrics {
namespace {

bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// [a-zA-Z_:][a-zA-Z0-9_:]* for metrics, [a-zA-Z_][a-zA-Z0-9_]* for labels.
bool is_name(std::string_view name, bool colons) {
  if (name.empty() || is_digit(name.front())) return false;
  for (const char c : name) {
    if (!is_letter(c) && !is_digit(c) && !(colons && c == ':')) return false;
  }
  return true;
}

std::string escaped(std::string_view text, bool quotes) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quotes) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string exposition::escape_help(std::string_view help) { return escaped(help, false); }
std::string exposition::escape_label_value(std::string_view value) { return escaped(value, true); }

void exposition::family(std::string_view name, type type, std::string_view help) {
  if (!is_name(name, true)) throw error{"Not a Prometheus metric name (Name: " + std::string{name} + ")"};
  family_ = name;
  text_ += "# HELP " + family_ + " " + escape_help(help) + "\n";
  const char* type_name = type == type::counter ? " counter\n" : type == type::gauge ? " gauge\n" : " histogram\n";
  text_ += "# TYPE " + family_ + type_name;
}

void exposition::sample_text(std::string_view suffix, const labels& labels, std::string_view value) {
  if (family_.empty()) throw error{"A metric sample before its family"};
  for (const auto& label : labels) {
    // Names starting with "__" are Prometheus' own.
    if (!is_name(label.first, false) || label.first.starts_with("__")) {
      throw error{"Not a Prometheus label name (Name: " + label.first + ", Metric: " + family_ + ")"};
    }
  }
  text_ += family_;
  text_ += suffix;
  if (!labels.empty()) {
    char separator = '{';
    for (const auto& [name, label_value] : labels) {
      text_ += separator;
      text_ += name + "=\"" + escape_label_value(label_value) + "\"";
      separator = ',';
    }
    text_ += '}';
  }
  text_ += ' ';
  text_ += value;
  text_ += '\n';
}

void exposition::sample(const labels& labels, std::int64_t value) { sample({}, labels, value); }
void exposition::sample(const labels& labels, double value) { sample({}, labels, value); }

void exposition::sample(std::string_view suffix, const labels& labels, std::int64_t value) {
  sample_text(suffix, labels, std::to_string(value));
}

void exposition::sample(std::string_view suffix, const labels& labels, double value) {
  sample_text(suffix, labels, number(value));
}

std::string exposition::number(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  std::array<char, 32> digits{};
  const auto written = std::to_chars(digits.data(), digits.data() + digits.size(), value);
  return std::string{digits.data(), static_cast<std::size_t>(written.ptr - digits.data())};
}

}  // namespace evt::metrics
