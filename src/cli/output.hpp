#pragma once

// What the commands print: rows of named fields, as an aligned table for
// people (the default) or one JSON object per line for scripts (--json).
#include <evt/store/message_data.hpp>

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace evt::cli {

// JSON text from the store (data, metadata), embedded as it is: numbers
// keep every digit the store holds.
struct raw_json {
  std::string text;
};
// A number as the server wrote it ("12.50"): as it is in JSON too.
struct decimal {
  std::string text;
};
// How long ago: "4.2s", "3m12s" in a table, seconds in JSON.
struct age {
  std::chrono::microseconds value;
};
using value = std::variant<std::monostate, std::int64_t, decimal, std::string, raw_json, store::time_point, age>;

struct field {
  std::string name;  // the JSON key and the table's heading
  cli::value value;
};
using record = std::vector<field>;

// "2026-11-28T10:00:00.123456Z": UTC, to the microsecond, as the store keeps times.
std::string format_time(store::time_point time);
std::string format_age(std::chrono::microseconds age);

class output {
 public:
  output(std::ostream& out, bool json) : out_{out}, json_{json} {}

  // JSON: printed at once. Table: kept until finish(), which aligns the
  // columns (every record of one table has the same fields).
  void add(record record);
  // Prints the table, or `none` when it has no row (JSON prints nothing).
  void finish(std::string_view none);
  // Printed at once in both forms (a table row unaligned, without
  // heading): for records that come one by one, as `evt tail` prints them.
  void stream(const record& record);

 private:
  std::ostream& out_;
  bool json_;
  std::vector<record> rows_;
};

}  // namespace evt::cli
