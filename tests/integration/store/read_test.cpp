// evt::store::read: to the end of a stream or category, across batches and
// across gaps in global positions.
#include <evt/error.hpp>
#include <evt/store/put.hpp>
#include <evt/store/read.hpp>

#include "support/database.hpp"
#include "support/names.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using namespace evt::test;
using evt::store::message_data;

evt::store::session session() { return evt::store::session{{.conninfo = conninfo()}}; }

TEST(Read, ReadsAStreamToTheEndAcrossBatches) {
  auto store = session();
  const auto stream = unique_stream_name();
  for (int i = 0; i < 7; ++i) evt::store::put(store, {.type = "SomeType", .data = "{}"}, stream);
  std::vector<std::int64_t> positions;
  const auto count = evt::store::read_stream(
      store, stream, [&](const message_data& message) { positions.push_back(message.position); },
      evt::store::stream_batch{.position = 1, .batch_size = 2});
  EXPECT_EQ(count, 6);
  EXPECT_EQ(positions, (std::vector<std::int64_t>{1, 2, 3, 4, 5, 6}));
}

TEST(Read, ReadsACategoryAcrossAGapInGlobalPositions) {
  auto store = session();
  const auto category = unique_category();
  const auto id = unique_id();
  evt::store::put(store, {.type = "SomeType", .data = "{}", .id = id}, stream_name(category, "1"));
  // A failed write draws a global position and leaves it unused.
  EXPECT_THROW(evt::store::put(store, {.type = "SomeType", .data = "{}", .id = id}, stream_name(category, "2")),
               evt::duplicate_message_id_error);
  for (int i = 0; i < 4; ++i) evt::store::put(store, {.type = "SomeType", .data = "{}"}, stream_name(category, "3"));

  std::vector<message_data> read;
  evt::store::read_category(
      store, category, [&](const message_data& message) { read.push_back(message); },
      evt::store::category_batch{.batch_size = 1});
  ASSERT_EQ(read.size(), 5u);
  EXPECT_GT(read[1].global_position, read[0].global_position + 1) << "no gap to read across";
  EXPECT_EQ(read.back().stream_name, stream_name(category, "3"));
}

TEST(Read, StopsAtAnEmptyStream) {
  auto store = session();
  int calls = 0;
  EXPECT_EQ(evt::store::read(store, unique_stream_name(), [&](const message_data&) { ++calls; }), 0);
  EXPECT_EQ(calls, 0);
}

}  // namespace
