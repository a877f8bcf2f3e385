#pragma once

#include <evt/metrics/exposition.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>

namespace evt::metrics {

// What an HTTP service answered, for a registry (registry::add):
//
//   evt_http_requests_total{route, method, status}        counter
//   evt_http_request_duration_seconds{route, method}      histogram
//
// `route` is the route's pattern ("/accounts/{id}/deposits"), never the
// path itself: ids in labels would make a series per account. The buckets
// are Prometheus' defaults (5 ms to 10 s). record() may be called from any
// thread.
class requests {
 public:
  static constexpr std::array<double, 11> buckets{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0};

  void record(std::string_view route, std::string_view method, int status, std::chrono::nanoseconds duration);
  // The two families, with a sample for every route, method (and status)
  // recorded so far.
  void write(exposition& out) const;

 private:
  struct histogram {
    std::array<std::int64_t, buckets.size()> at_most{};  // cumulative, as Prometheus reads them
    std::int64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, int>, std::int64_t, std::less<>> answered_;
  std::map<std::pair<std::string, std::string>, histogram, std::less<>> durations_;
};

}  // namespace evt::metrics
