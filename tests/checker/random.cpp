#include "random.hpp"

#include <cstdio>
#include <numeric>

namespace evt_checker {

namespace {

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

std::uint64_t schedule_seed(std::uint64_t run_seed, std::int64_t schedule) {
  return splitmix64(splitmix64(run_seed) ^ static_cast<std::uint64_t>(schedule));
}

std::int64_t random::between(std::int64_t low, std::int64_t high) {
  return std::uniform_int_distribution<std::int64_t>{low, high}(engine_);
}

bool random::chance(double probability) { return unit() < probability; }

double random::unit() { return std::uniform_real_distribution<double>{0.0, 1.0}(engine_); }

std::string random::uuid() {
  const auto high = engine_();
  const auto low = engine_();
  char text[37];
  std::snprintf(text, sizeof text, "%08llx-%04llx-4%03llx-%04llx-%012llx",
                static_cast<unsigned long long>(high >> 32), static_cast<unsigned long long>((high >> 16) & 0xffff),
                static_cast<unsigned long long>(high & 0xfff),
                static_cast<unsigned long long>(0x8000 | ((low >> 48) & 0x3fff)),
                static_cast<unsigned long long>(low & 0xffffffffffffULL));
  return text;
}

std::string random::tag(int length) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string tag;
  for (int i = 0; i < length; ++i) tag += digits[between(0, 15)];
  return tag;
}

std::size_t random::weighted(const std::vector<int>& weights) {
  const auto total = std::accumulate(weights.begin(), weights.end(), 0);
  auto draw = between(0, total - 1);
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (draw < weights[i]) return i;
    draw -= weights[i];
  }
  return weights.size() - 1;
}

}  // namespace evt_checker
