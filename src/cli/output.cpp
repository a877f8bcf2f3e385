#include "cli/output.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <ostream>

namespace evt::cli {
namespace {

template <class... Ts>
struct overloaded : Ts... {
  using Ts::operator()...;
};

std::string json_string(const std::string& text) {
  return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string json_value(const value& value) {
  return std::visit(
      overloaded{
          [](std::monostate) -> std::string { return "null"; },
          [](std::int64_t number) { return std::to_string(number); }, [](const decimal& number) { return number.text; },
          [](const std::string& text) { return json_string(text); }, [](const raw_json& json) { return json.text; },
          [](store::time_point time) { return json_string(format_time(time)); },
          [](age how_long) {
            char seconds[32];
            std::snprintf(seconds, sizeof seconds, "%.3f", static_cast<double>(how_long.value.count()) / 1e6);
            return std::string{seconds};
          }},
      value);
}

// One line per row: control characters (an error's newlines) as spaces.
std::string cell_text(const value& value) {
  auto text = std::visit(
      overloaded{
          [](std::monostate) -> std::string { return "-"; }, [](std::int64_t number) { return std::to_string(number); },
          [](const decimal& number) { return number.text; }, [](const std::string& text) { return text; },
          [](const raw_json& json) { return json.text; }, [](store::time_point time) { return format_time(time); },
          [](age how_long) { return format_age(how_long.value); }},
      value);
  std::replace_if(
      text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; }, ' ');
  return text;
}

bool is_numeric(const value& value) {
  return std::holds_alternative<std::int64_t>(value) || std::holds_alternative<decimal>(value) ||
         std::holds_alternative<age>(value);
}

// Columns are as wide as their widest cell in characters, not bytes.
std::size_t width(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

}  // namespace

std::string format_time(store::time_point time) {
  const auto day = std::chrono::floor<std::chrono::days>(time);
  const std::chrono::year_month_day date{day};
  const std::chrono::hh_mm_ss clock{time - day};
  char text[40];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d.%06lldZ", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()), static_cast<long long>(clock.subseconds().count()));
  return text;
}

std::string format_age(std::chrono::microseconds age) {
  using namespace std::chrono;
  char text[40];
  const auto seconds = duration_cast<std::chrono::seconds>(age).count();
  if (age < 1min) {
    std::snprintf(text, sizeof text, "%.1fs", static_cast<double>(age.count()) / 1e6);
  } else if (age < 1h) {
    std::snprintf(text, sizeof text, "%lldm%02llds", static_cast<long long>(seconds / 60),
                  static_cast<long long>(seconds % 60));
  } else if (age < days{1}) {
    std::snprintf(text, sizeof text, "%lldh%02lldm", static_cast<long long>(seconds / 3600),
                  static_cast<long long>(seconds / 60 % 60));
  } else {
    std::snprintf(text, sizeof text, "%lldd%02lldh", static_cast<long long>(seconds / 86400),
                  static_cast<long long>(seconds / 3600 % 24));
  }
  return text;
}

void output::add(record record) {
  if (json_) {
    stream(record);
  } else {
    rows_.push_back(std::move(record));
  }
}

void output::stream(const record& record) {
  std::string line;
  if (json_) {
    line = "{";
    for (const auto& field : record) {
      if (line.size() > 1) line += ",";
      line += json_string(field.name) + ":" + json_value(field.value);
    }
    line += "}";
  } else {
    for (const auto& field : record) {
      if (!line.empty()) line += "  ";
      line += cell_text(field.value);
    }
  }
  out_ << line << '\n' << std::flush;  // a reader of a pipe sees each line as it comes
}

void output::finish(std::string_view none) {
  if (json_) return;
  if (rows_.empty()) {
    out_ << none << '\n';
    return;
  }
  const auto& headings = rows_.front();
  std::vector<std::vector<std::string>> cells;
  std::vector<std::size_t> widths;
  std::vector<bool> right(headings.size(), false);  // numbers, and their headings, align right
  for (const auto& field : headings) widths.push_back(width(field.name));
  for (const auto& row : rows_) {
    auto& texts = cells.emplace_back();
    for (std::size_t column = 0; column < row.size(); ++column) {
      texts.push_back(cell_text(row[column].value));
      widths[column] = std::max(widths[column], width(texts.back()));
      if (is_numeric(row[column].value)) right[column] = true;
    }
  }
  const auto print = [&](const std::vector<std::string>& texts) {
    std::string line;
    for (std::size_t column = 0; column < texts.size(); ++column) {
      const auto padding = std::string(widths[column] - width(texts[column]), ' ');
      if (column > 0) line += "  ";
      if (right[column]) {
        line += padding + texts[column];
      } else {
        line += texts[column];
        if (column + 1 < texts.size()) line += padding;
      }
    }
    out_ << line << '\n';
  };
  std::vector<std::string> heading_texts;
  for (const auto& field : headings) heading_texts.push_back(field.name);
  print(heading_texts);
  for (const auto& texts : cells) print(texts);
  out_ << std::flush;
  rows_.clear();
}

}  // namespace evt::cli
