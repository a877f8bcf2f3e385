// Through PgBouncer in transaction pooling mode (ctest label pooler only):
// many sessions over a pool of two server connections, each transaction on
// whichever is free.
#include <evt/error.hpp>
#include <evt/store/get.hpp>
#include <evt/store/put.hpp>
#include <evt/store/session.hpp>
#include <evt/stream_name.hpp>

#include "support/database.hpp"
#include "support/names.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using namespace evt::test;

std::vector<evt::store::session> sessions(int count, evt::store::pool_mode mode, bool sql_condition = false) {
  std::vector<evt::store::session> made;
  for (int i = 0; i < count; ++i) {
    made.emplace_back(evt::store::settings{.conninfo = session_conninfo(), .sql_condition = sql_condition, .pool_mode = mode});
  }
  return made;
}

TEST(Pooler, SessionsSharingTwoServerConnectionsWriteAndReadInTurn) {
  auto taking_turns = sessions(6, evt::store::pool_mode::transaction);
  const auto category = unique_category();
  for (int round = 0; round < 10; ++round) {
    for (std::size_t i = 0; i < taking_turns.size(); ++i) {
      auto& store = taking_turns[i];
      const auto stream = evt::stream_name(category, std::to_string(i));
      evt::store::put(store, {.type = "SomeType", .data = "{}"}, stream, round - 1);
      const std::vector<evt::store::new_message> batch(2, {.type = "Batched", .data = "{}"});
      evt::store::put(store, batch, stream + "+batch", 2 * round - 1);
      ASSERT_EQ(evt::store::get_stream(store, stream).size(), static_cast<std::size_t>(round + 1));
      ASSERT_EQ(evt::store::get_last(store, stream)->position, round);
      ASSERT_EQ(evt::store::stream_version(store, stream + "+batch"), 2 * round + 1);
    }
  }
  EXPECT_EQ(database{}.category(category).size(), 6u * 10 * 3);
}

// message_store.sql_condition is on for the read that gives a condition and
// allowed one only: never for another client that gets the connection next.
TEST(Pooler, AConditionAllowedToOneSessionIsNotAllowedToTheNext) {
  auto allowed = sessions(2, evt::store::pool_mode::transaction, true);
  auto not_allowed = sessions(2, evt::store::pool_mode::transaction);
  const auto stream = unique_stream_name();
  evt::store::put(allowed[0], {.type = "SomeType", .data = "{}"}, stream);
  for (int round = 0; round < 5; ++round) {
    for (auto& store : allowed) {
      EXPECT_EQ(evt::store::get_stream(store, stream, {.condition = "type = 'SomeType'"}).size(), 1u);
    }
    for (auto& store : not_allowed) {
      EXPECT_THROW(evt::store::get_stream(store, stream, {.condition = "type = 'SomeType'"}), evt::condition_error);
    }
  }
}

}  // namespace
