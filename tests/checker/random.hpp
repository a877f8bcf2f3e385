#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace evt_checker {

// A schedule's seed from the run's seed and the schedule's number, so that
// `--seed S --schedule K` makes exactly schedule K's choices again.
// (SplitMix64 of the pair: nearby seeds and numbers give unrelated streams.)
std::uint64_t schedule_seed(std::uint64_t run_seed, std::int64_t schedule);

// The choices of one schedule: std::mt19937_64 and a few helpers over it.
class random {
 public:
  explicit random(std::uint64_t seed) : engine_{seed} {}

  std::int64_t between(std::int64_t low, std::int64_t high);  // both included
  bool chance(double probability);
  double unit();
  // A UUID in the form of a version 4 one, from the engine.
  std::string uuid();
  // A hex tag of this many characters.
  std::string tag(int length);

  template <class T>
  const T& pick(const std::vector<T>& items) {
    return items[static_cast<std::size_t>(between(0, static_cast<std::int64_t>(items.size()) - 1))];
  }
  // An index drawn by the weights (not all zero).
  std::size_t weighted(const std::vector<int>& weights);

  std::mt19937_64& engine() noexcept { return engine_; }

 private:
  std::mt19937_64 engine_;
};

}  // namespace evt_checker
