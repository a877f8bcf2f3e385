#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace evt::metrics {

// Prometheus' text exposition format, version 0.0.4: each metric family
// once, its "# HELP" and "# TYPE" lines first, then its samples, one a line:
//
//   # HELP evt_consumer_messages_handled_total Messages the consumer's handlers handled.
//   # TYPE evt_consumer_messages_handled_total counter
//   evt_consumer_messages_handled_total{category="account:command",position_stream="account:command+position"} 12
//
// Help text escapes '\' and line feeds; label values escape '\', '"' and
// line feeds. A metric or label name Prometheus would refuse is an
// evt::error (a bug of the caller's, not data).
class exposition {
 public:
  enum class type { counter, gauge, histogram };
  using labels = std::vector<std::pair<std::string, std::string>>;

  static constexpr std::string_view content_type = "text/plain; version=0.0.4; charset=utf-8";

  // Starts a family; the samples after it are its own.
  void family(std::string_view name, type type, std::string_view help);
  void sample(const labels& labels, std::int64_t value);
  // The value as number() writes it.
  void sample(const labels& labels, double value);
  // A histogram's samples: the family's name with this suffix ("_bucket",
  // "_sum", "_count").
  void sample(std::string_view suffix, const labels& labels, std::int64_t value);
  void sample(std::string_view suffix, const labels& labels, double value);
  // Shortest text that reads back as the same double; NaN, +Inf, -Inf (a
  // sample's value, or a bucket's bound).
  static std::string number(double value);

  const std::string& text() const noexcept { return text_; }

  static std::string escape_help(std::string_view help);
  static std::string escape_label_value(std::string_view value);

 private:
  void sample_text(std::string_view suffix, const labels& labels, std::string_view value);

  std::string text_;
  std::string family_;
};

}  // namespace evt::metrics
