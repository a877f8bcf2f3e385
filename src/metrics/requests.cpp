#include <evt/metrics/requests.hpp>

namespace evt::metrics {

void requests::record(std::string_view route, std::string_view method, int status, std::chrono::nanoseconds duration) {
  const double seconds = std::chrono::duration<double>(duration).count();
  const std::lock_guard lock{mutex_};
  ++answered_[{std::string{route}, std::string{method}, status}];
  auto& durations = durations_[{std::string{route}, std::string{method}}];
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    if (seconds <= buckets[i]) ++durations.at_most[i];
  }
  ++durations.count;
  durations.sum += seconds;
}

void requests::write(exposition& out) const {
  const std::lock_guard lock{mutex_};
  out.family("evt_http_requests_total", exposition::type::counter, "HTTP requests answered, by route and status.");
  for (const auto& [answer, count] : answered_) {
    const auto& [route, method, status] = answer;
    out.sample({{"route", route}, {"method", method}, {"status", std::to_string(status)}}, count);
  }
  out.family("evt_http_request_duration_seconds", exposition::type::histogram,
             "Time from a request's arrival to its answer, by route.");
  for (const auto& [route_method, durations] : durations_) {
    const exposition::labels labels{{"route", route_method.first}, {"method", route_method.second}};
    for (std::size_t i = 0; i < buckets.size(); ++i) {
      auto bucket = labels;
      bucket.emplace_back("le", exposition::number(buckets[i]));
      out.sample("_bucket", bucket, durations.at_most[i]);
    }
    auto all = labels;
    all.emplace_back("le", "+Inf");
    out.sample("_bucket", all, durations.count);
    out.sample("_sum", labels, durations.sum);
    out.sample("_count", labels, durations.count);
  }
}

}  // namespace evt::metrics
