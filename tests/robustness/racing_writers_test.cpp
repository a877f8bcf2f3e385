// Writers race on one stream with the same expected version: exactly one
// wins each round, every other gets expected_version_error naming the
// stream and the versions, and nothing is written twice.
#include <evt/error.hpp>
#include <evt/store/get.hpp>
#include <evt/store/put.hpp>
#include <evt/store/session.hpp>

#include "support/database.hpp"
#include "support/names.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace evt::test;

TEST(RacingWriters, ExactlyOneOfThoseExpectingTheSameVersionWinsEachRound) {
  constexpr int writers = 8;
  constexpr int rounds = 50;
  const auto stream = unique_stream_name();
  std::vector<std::atomic<int>> wins(rounds);
  std::vector<std::atomic<int>> refusals(rounds);
  std::atomic<int> other_errors{0};
  std::barrier start_round{writers};

  std::vector<std::jthread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      evt::store::session session{{.conninfo = conninfo()}};
      evt::store::stream_version(session, stream);  // connected before the first round
      for (int round = 0; round < rounds; ++round) {
        start_round.arrive_and_wait();
        try {
          evt::store::put(session, {.type = "Won", .data = R"({"writer":)" + std::to_string(w) + "}"}, stream,
                          round - 1);
          ++wins[round];
        } catch (const evt::expected_version_error& error) {
          if (error.stream_name() == stream && error.expected() == round - 1 && error.actual() == round) {
            ++refusals[round];
          } else {
            ++other_errors;
          }
        } catch (...) {
          ++other_errors;
        }
        start_round.arrive_and_wait();  // the round is over for everyone
      }
    });
  }
  threads.clear();

  EXPECT_EQ(other_errors, 0);
  for (int round = 0; round < rounds; ++round) {
    EXPECT_EQ(wins[round], 1) << "round " << round;
    EXPECT_EQ(refusals[round], writers - 1) << "round " << round;
  }
  EXPECT_EQ(database{}.stream(stream).size(), static_cast<std::size_t>(rounds));
}

}  // namespace
