// The memory storage: compare-and-set, and collection of expired records.
#include <evt/idempotency/memory_storage.hpp>

#include "support/idempotency_contract.hpp"

#include <gtest/gtest.h>

namespace {

using namespace std::chrono_literals;
namespace idempotency = evt::idempotency;
using evt::test::fake_clock;

idempotency::record completed(std::string key, evt::time_point expires_at) {
  return {.key = std::move(key), .status = idempotency::status::success, .expires_at = expires_at};
}

TEST(MemoryStorage, WritesOnlyOverTheVersionRead) {
  idempotency::memory_storage storage;
  auto record = completed("k", {});
  EXPECT_TRUE(storage.put(record, evt::no_stream, idempotency::transition::initiated));
  EXPECT_FALSE(storage.put(record, evt::no_stream, idempotency::transition::initiated));
  const auto first = storage.get("k")->version;
  EXPECT_FALSE(storage.put(record, first + 1, idempotency::transition::succeeded));
  EXPECT_TRUE(storage.put(record, first, idempotency::transition::succeeded));
  EXPECT_GT(storage.get("k")->version, first);
  EXPECT_FALSE(storage.get("other").has_value());
}

TEST(MemoryStorage, AVersionReadBeforeACollectionDoesNotMatchTheRecordMadeAfterIt) {
  fake_clock clock;
  idempotency::memory_storage storage{{.clock = [&] { return clock.now(); }, .collect_every = 0}};
  storage.put(completed("k", clock.now()), evt::no_stream, idempotency::transition::succeeded);
  const auto read_before = storage.get("k")->version;  // an expired record, read by a slow caller
  EXPECT_EQ(storage.collect(), 1u);
  EXPECT_TRUE(storage.put(completed("k", clock.now() + 1h), evt::no_stream, idempotency::transition::initiated));
  EXPECT_FALSE(storage.put(completed("k", clock.now() + 1h), read_before, idempotency::transition::taken_over));
}

TEST(MemoryStorage, CollectRemovesExpiredRecordsOnlyAndPendingOnesAfterTheirLeaseToo) {
  fake_clock clock;
  idempotency::memory_storage storage{{.clock = [&] { return clock.now(); }, .collect_every = 0}};
  const auto now = clock.now();
  storage.put(completed("expired", now), evt::no_stream, idempotency::transition::succeeded);
  storage.put(completed("kept", now + 1s), evt::no_stream, idempotency::transition::succeeded);
  storage.put({.key = "leased", .lease_expires_at = now + 1h, .expires_at = now}, evt::no_stream,
              idempotency::transition::initiated);
  EXPECT_EQ(storage.collect(), 1u);
  EXPECT_EQ(storage.size(), 2u);
  EXPECT_FALSE(storage.get("expired").has_value());
  clock.advance(1h);
  EXPECT_EQ(storage.collect(), 2u);
  EXPECT_EQ(storage.size(), 0u);
}

TEST(MemoryStorage, CollectsOnItsOwnEveryNWritesSoMemoryStaysBounded) {
  fake_clock clock;
  idempotency::memory_storage storage{{.clock = [&] { return clock.now(); }, .collect_every = 100}};
  for (int i = 0; i < 10'000; ++i) {
    storage.put(completed(std::string{"k"}.append(std::to_string(i)), clock.now() + 10ms), evt::no_stream,
                idempotency::transition::succeeded);
    clock.advance(1ms);
  }
  EXPECT_LE(storage.size(), 110u);  // what is within its 10 ms plus up to 100 writes since the last collection
  EXPECT_GE(storage.size(), 10u);
}

}  // namespace
