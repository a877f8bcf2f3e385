#pragma once

// The idempotency manager's promises, checked on every storage: each world
// (memory in the unit suite, the message store in the integration suite)
// instantiates these tests. A world gives callers their own storage
// (`caller()`, as each thread of a service has its own session) over the
// same records, and a fake clock that waiting advances.
#include <evt/error.hpp>
#include <evt/idempotency/executor.hpp>
#include <evt/money.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace evt::test {

using namespace std::chrono_literals;

struct fake_clock {
  std::atomic<std::int64_t> milliseconds{1'700'000'000'000};

  time_point now() const { return time_point{std::chrono::milliseconds{milliseconds.load()}}; }
  void advance(std::chrono::milliseconds by) { milliseconds += by.count(); }
};

struct receipt {
  BOOST_HANA_DEFINE_STRUCT(receipt, (std::string, charge_id), (evt::money, amount), (std::vector<std::string>, notes));
  bool operator==(const receipt&) const = default;
};

inline receipt a_receipt(std::string charge_id = "ch_1") {
  return receipt{.charge_id = std::move(charge_id), .amount = evt::money::parse("12.34"), .notes = {"first", "second"}};
}

template <class World>
class IdempotencyManager : public ::testing::Test {
 protected:
  using manager = idempotency::manager<receipt>;

  // Fake time: a lease of 1 s, records kept 1 h, waiting advances the clock.
  idempotency::settings settings() {
    return {.lease = 1s,
            .retention = 1h,
            .poll_interval = 10ms,
            .clock = [this] { return clock.now(); },
            .sleep = [this](std::chrono::milliseconds duration) { clock.advance(duration); }};
  }

  // A caller of its own: its storage, manager and holder.
  struct caller {
    std::shared_ptr<idempotency::storage> storage;
    manager records;
    idempotency::holder holder = idempotency::holder::make();
  };
  std::unique_ptr<caller> new_caller(std::optional<idempotency::settings> custom = std::nullopt) {
    auto storage = world.caller();
    auto& reference = *storage;
    return std::unique_ptr<caller>{new caller{std::move(storage), manager{reference, custom.value_or(settings())}}};
  }

  fake_clock clock;
  World world{clock};
  std::string key = world.unique_key();
};

TYPED_TEST_SUITE_P(IdempotencyManager);

TYPED_TEST_P(IdempotencyManager, InitiateIsTrueOnlyForTheCallerThatCreatedTheRecord) {
  auto first = this->new_caller();
  auto second = this->new_caller();
  EXPECT_TRUE(first->records.initiate(first->holder, this->key, "POST /charges 12.34"));
  EXPECT_FALSE(second->records.initiate(second->holder, this->key, "POST /charges 12.34"));
  EXPECT_TRUE(second->records.initiate(second->holder, this->key + "-other", "other"));  // another key, another record
  const auto found = second->records.get(this->key);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->status(), idempotency::status::pending);
  EXPECT_EQ(found->stored.context, "POST /charges 12.34");
  EXPECT_EQ(found->stored.attempt, 1);
  EXPECT_EQ(found->stored.lease_expires_at, this->clock.now() + 1s);
  EXPECT_TRUE(first->records.holds(first->holder, this->key));
  EXPECT_FALSE(second->records.holds(second->holder, this->key));
}

TYPED_TEST_P(IdempotencyManager, ASuccessIsRecordedOnceAndEveryoneReadsIt) {
  auto first = this->new_caller();
  auto second = this->new_caller();
  ASSERT_TRUE(first->records.initiate(first->holder, this->key));
  first->records.success(first->holder, this->key, a_receipt());
  EXPECT_FALSE(first->records.holds(first->holder, this->key));
  EXPECT_FALSE(second->records.initiate(second->holder, this->key));
  const auto found = second->records.get(this->key);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->status(), idempotency::status::success);
  EXPECT_EQ(found->result, a_receipt());
  EXPECT_EQ(found->stored.format, "msgpack");
  EXPECT_EQ(second->records.wait(this->key, 0ms), a_receipt());
}

TYPED_TEST_P(IdempotencyManager, AFailureIsRecordedAndWaitThrowsIt) {
  auto first = this->new_caller();
  auto second = this->new_caller();
  ASSERT_TRUE(first->records.initiate(first->holder, this->key));
  first->records.fail(first->holder, this->key, {.type = "card_declined", .message = "Insufficient funds"});
  EXPECT_FALSE(second->records.initiate(second->holder, this->key));
  try {
    second->records.wait(this->key, 1s);
    FAIL() << "no error";
  } catch (const operation_failed_error& error) {
    EXPECT_EQ(error.key(), this->key);
    EXPECT_EQ(error.type(), "card_declined");
    EXPECT_EQ(error.message(), "Insufficient funds");
    EXPECT_EQ(std::string{error.what()},
              "Operation failed before: Insufficient funds (Key: " + this->key + ", Error: card_declined)");
  }
}

TYPED_TEST_P(IdempotencyManager, AKeyUsedForADifferentRequestIsAnErrorAndChangesNothing) {
  auto first = this->new_caller();
  ASSERT_TRUE(first->records.initiate(first->holder, this->key, "amount=10"));
  const auto before = first->records.get(this->key)->stored;
  auto second = this->new_caller();
  try {
    second->records.initiate(second->holder, this->key, "amount=99");
    FAIL() << "no error";
  } catch (const fingerprint_mismatch_error& error) {
    EXPECT_EQ(error.key(), this->key);
    EXPECT_EQ(std::string{error.what()}, "Idempotency key was used for a different request (Key: " + this->key +
                                             ", Recorded Context: amount=10, Context: amount=99)");
  }
  EXPECT_EQ(first->records.get(this->key)->stored, before);
  // After the lease expired too: the key still belongs to the first request.
  this->clock.advance(2s);
  EXPECT_THROW(second->records.initiate(second->holder, this->key, "amount=99"), fingerprint_mismatch_error);
}

TYPED_TEST_P(IdempotencyManager, AnExpiredLeaseIsTakenOverByOneCallerAndTheOldHolderCannotComplete) {
  auto crashed = this->new_caller();
  auto rescuer = this->new_caller();
  auto late = this->new_caller();
  ASSERT_TRUE(crashed->records.initiate(crashed->holder, this->key, "c"));
  this->clock.advance(999ms);
  EXPECT_FALSE(rescuer->records.initiate(rescuer->holder, this->key, "c"));  // the lease is still live
  this->clock.advance(1ms);
  EXPECT_TRUE(rescuer->records.initiate(rescuer->holder, this->key, "c"));
  EXPECT_FALSE(late->records.initiate(late->holder, this->key, "c"));
  EXPECT_EQ(rescuer->records.get(this->key)->stored.attempt, 2);

  try {
    crashed->records.success(crashed->holder, this->key, a_receipt("ch_crashed"));
    FAIL() << "no error";
  } catch (const lease_lost_error& error) {
    EXPECT_EQ(std::string{error.what()},
              "Cannot record a success: another holder has the key (Key: " + this->key +
                  ", Status: pending, Attempt: 2)");
  }
  EXPECT_EQ(rescuer->records.get(this->key)->status(), idempotency::status::pending);
  rescuer->records.success(rescuer->holder, this->key, a_receipt("ch_rescued"));
  EXPECT_EQ(late->records.get(this->key)->result->charge_id, "ch_rescued");
  EXPECT_THROW(crashed->records.fail(crashed->holder, this->key, {.type = "x", .message = "y"}), lease_lost_error);
  EXPECT_EQ(late->records.get(this->key)->result->charge_id, "ch_rescued");
}

TYPED_TEST_P(IdempotencyManager, AHolderPastItsLeaseCompletesWhenNobodyTookOver) {
  auto slow = this->new_caller();
  ASSERT_TRUE(slow->records.initiate(slow->holder, this->key));
  this->clock.advance(5s);
  slow->records.success(slow->holder, this->key, a_receipt());
  EXPECT_EQ(this->new_caller()->records.get(this->key)->status(), idempotency::status::success);
}

TYPED_TEST_P(IdempotencyManager, RenewKeepsTheKeyAndReleaseHandsItOverAtOnce) {
  auto owner = this->new_caller();
  auto other = this->new_caller();
  ASSERT_TRUE(owner->records.initiate(owner->holder, this->key));
  this->clock.advance(800ms);
  owner->records.renew(owner->holder, this->key);
  this->clock.advance(800ms);
  EXPECT_FALSE(other->records.initiate(other->holder, this->key));
  owner->records.release(owner->holder, this->key);
  EXPECT_FALSE(owner->records.holds(owner->holder, this->key));
  EXPECT_THROW(owner->records.success(owner->holder, this->key, a_receipt()), lease_lost_error);
  EXPECT_NO_THROW(owner->records.release(owner->holder, this->key));  // a repeat: released already
  EXPECT_TRUE(other->records.initiate(other->holder, this->key));
  EXPECT_EQ(other->records.get(this->key)->stored.attempt, 2);
  EXPECT_THROW(owner->records.renew(owner->holder, this->key), lease_lost_error);
}

TYPED_TEST_P(IdempotencyManager, ARecordIsForgottenAfterItsRetentionAndTheKeyStartsAgain) {
  auto first = this->new_caller();
  ASSERT_TRUE(first->records.initiate(first->holder, this->key, "old request"));
  first->records.success(first->holder, this->key, a_receipt());
  this->clock.advance(1h - 1ms);
  EXPECT_TRUE(first->records.get(this->key).has_value());
  this->clock.advance(1ms);
  EXPECT_FALSE(first->records.get(this->key).has_value());
  auto second = this->new_caller();
  EXPECT_TRUE(second->records.initiate(second->holder, this->key, "new request"));
  const auto renewed = second->records.get(this->key);
  EXPECT_EQ(renewed->stored.context, "new request");
  EXPECT_EQ(renewed->stored.attempt, 1);
  EXPECT_EQ(renewed->status(), idempotency::status::pending);
}

TYPED_TEST_P(IdempotencyManager, WaitingForAPendingOperationTimesOutWithATypedError) {
  auto owner = this->new_caller(idempotency::settings{.lease = 1h, .retention = 2h, .poll_interval = 10ms,
                                                       .clock = [this] { return this->clock.now(); },
                                                       .sleep = [this](std::chrono::milliseconds d) { this->clock.advance(d); }});
  auto waiter = this->new_caller();
  ASSERT_TRUE(owner->records.initiate(owner->holder, this->key));
  const auto start = this->clock.now();
  try {
    waiter->records.wait(this->key, 250ms);
    FAIL() << "no error";
  } catch (const operation_pending_error& error) {
    EXPECT_EQ(error.key(), this->key);
    EXPECT_EQ(std::string{error.what()},
              "Operation still pending after waiting 250 ms (Key: " + this->key + ", Attempt: 1)");
  }
  EXPECT_EQ(this->clock.now() - start, 250ms);  // polled every 10 ms up to the deadline
  EXPECT_THROW(waiter->records.wait(this->key + "none", 10ms), idempotency_error);
}

TYPED_TEST_P(IdempotencyManager, InvalidKeysAreRefusedAndNothingIsRecorded) {
  auto caller = this->new_caller();
  for (const std::string& key : {std::string{}, std::string{"  "}, std::string{"a+b"}, std::string{"a\0b", 3},
                                std::string(256, 'k')}) {
    EXPECT_THROW(caller->records.initiate(caller->holder, key), idempotency_error) << key;
    EXPECT_THROW(caller->records.get(key), idempotency_error) << key;
  }
  const std::string longest(255, 'k');
  EXPECT_NO_THROW(caller->records.get(longest));
  try {
    caller->records.initiate(caller->holder, std::string(256, 'k'));
    FAIL() << "no error";
  } catch (const idempotency_error& error) {
    EXPECT_EQ(std::string{error.what()}, "Idempotence key is longer than 255 bytes (Key Size: 256, Idempotence Key: " +
                                             std::string(100, 'k') + "...)");
  }
}

TYPED_TEST_P(IdempotencyManager, CompletingAKeyThisCallerDoesNotHoldIsALeaseLostError) {
  auto owner = this->new_caller();
  auto stranger = this->new_caller();
  ASSERT_TRUE(owner->records.initiate(owner->holder, this->key));
  EXPECT_THROW(stranger->records.success(stranger->holder, this->key, a_receipt()), lease_lost_error);
  EXPECT_THROW(stranger->records.release(stranger->holder, this->key), lease_lost_error);
  EXPECT_EQ(owner->records.get(this->key)->status(), idempotency::status::pending);
  owner->records.success(owner->holder, this->key, a_receipt());
  EXPECT_NO_THROW(owner->records.success(owner->holder, this->key, a_receipt()));  // a repeat: recorded already
  EXPECT_THROW(owner->records.success(owner->holder, this->key, a_receipt("ch_2")), lease_lost_error);
  EXPECT_NO_THROW(owner->records.release(owner->holder, this->key));  // completed: nothing to give up
  EXPECT_EQ(stranger->records.get(this->key)->result, a_receipt());
}

// The caller is the holder, not the thread: logical callers sharing a
// thread and a manager (requests on an event loop) never complete each
// other's keys.
TYPED_TEST_P(IdempotencyManager, TwoHoldersInOneThreadAreTwoCallers) {
  auto caller = this->new_caller();
  auto& records = caller->records;
  const auto first = caller->holder;
  const auto second = idempotency::holder::make();
  ASSERT_TRUE(records.initiate(first, this->key, "c"));
  EXPECT_FALSE(records.initiate(second, this->key, "c"));
  EXPECT_FALSE(records.holds(second, this->key));
  const auto before = records.get(this->key)->stored;
  EXPECT_THROW(records.success(second, this->key, a_receipt("ch_second")), lease_lost_error);
  EXPECT_THROW(records.fail(second, this->key, {.type = "x", .message = "y"}), lease_lost_error);
  EXPECT_THROW(records.renew(second, this->key), lease_lost_error);
  EXPECT_THROW(records.release(second, this->key), lease_lost_error);
  EXPECT_EQ(records.get(this->key)->stored, before);  // nothing was written
  EXPECT_TRUE(records.holds(first, this->key));
  records.success(first, this->key, a_receipt("ch_first"));
  EXPECT_EQ(records.get(this->key)->result->charge_id, "ch_first");
}

// A thread that initiated a key may end (a pool thread, a coroutine
// resumed elsewhere): the holder it passed on completes the key, and a
// thread started later, which may be given the ended thread's id, is no
// one's holder.
TYPED_TEST_P(IdempotencyManager, AHolderOutlivesTheThreadThatInitiatedTheKey) {
  auto caller = this->new_caller();
  const auto holder = idempotency::holder::make();
  std::thread{[&] { EXPECT_TRUE(caller->records.initiate(holder, this->key, "c")); }}.join();
  std::thread{[&] {
    EXPECT_THROW(caller->records.success(idempotency::holder::make(), this->key, a_receipt("ch_stranger")),
                 lease_lost_error);
  }}.join();
  EXPECT_TRUE(caller->records.holds(holder, this->key));
  caller->records.renew(holder, this->key);
  caller->records.success(holder, this->key, a_receipt());
  EXPECT_EQ(caller->records.get(this->key)->result, a_receipt());
}

// A manager keeps nothing per key or per holder (the records are the only
// state, so there is nothing to grow): a holder is served by any manager
// over the same records, and the keys it abandons go to other callers once
// their leases expire.
TYPED_TEST_P(IdempotencyManager, HoldsLiveInTheRecordsSoAbandonedKeysCostTheManagerNothing) {
  constexpr int keys = 20;
  const auto key = [this](int n) { return this->key + "-" + std::to_string(n); };
  auto abandoning = this->new_caller();
  const auto holder = abandoning->holder;
  for (int n = 0; n < keys; ++n) ASSERT_TRUE(abandoning->records.initiate(holder, key(n)));
  abandoning.reset();  // its manager is gone; the holder is not

  auto successor = this->new_caller();
  EXPECT_TRUE(successor->records.holds(holder, key(0)));
  successor->records.success(holder, key(0), a_receipt());
  this->clock.advance(1s);
  auto other = this->new_caller();
  for (int n = 1; n < keys; ++n) {
    EXPECT_TRUE(other->records.initiate(other->holder, key(n))) << n;
    EXPECT_FALSE(successor->records.holds(holder, key(n))) << n;
    EXPECT_EQ(other->records.get(key(n))->stored.attempt, 2) << n;
  }
  EXPECT_EQ(other->records.get(key(0))->status(), idempotency::status::success);
}

TYPED_TEST_P(IdempotencyManager, OfThreadsRacingToInitiateOrTakeOverAKeyExactlyOneWins) {
  constexpr int threads = 8;
  for (int round = 0; round < 10; ++round) {
    const auto key = this->key + "-" + std::to_string(round);
    std::vector<std::unique_ptr<typename TestFixture::caller>> callers;
    for (int i = 0; i < threads; ++i) callers.push_back(this->new_caller());
    const auto race = [&] {
      std::atomic<int> winners{0};
      std::barrier start{threads};
      std::vector<std::jthread> running;
      for (auto& caller : callers) {
        running.emplace_back([&, caller = caller.get()] {
          start.arrive_and_wait();
          if (caller->records.initiate(caller->holder, key, "same request")) ++winners;
        });
      }
      running.clear();
      return winners.load();
    };
    EXPECT_EQ(race(), 1) << "initiate, round " << round;
    this->clock.advance(2s);  // the winner "crashed": its lease expires
    EXPECT_EQ(race(), 1) << "take over, round " << round;
    EXPECT_EQ(callers.front()->records.get(key)->stored.attempt, 2);
  }
}

TYPED_TEST_P(IdempotencyManager, TheExecutorRunsAnOperationOnceForThreadsCallingAtOnce) {
  constexpr int threads = 6;
  const idempotency::settings real_time{.lease = 30s, .retention = 1h, .poll_interval = 5ms};
  std::atomic<int> runs{0};
  std::vector<receipt> results(threads);
  std::barrier start{threads};
  {
    std::vector<std::jthread> running;
    for (int i = 0; i < threads; ++i) {
      running.emplace_back([&, i] {
        auto caller = this->new_caller(real_time);
        idempotency::executor<receipt> charge{caller->records};
        start.arrive_and_wait();
        results[i] = charge(this->key, "charge 12.34", [&] {
          ++runs;
          std::this_thread::sleep_for(50ms);
          return a_receipt("ch_" + std::to_string(i));
        });
      });
    }
  }
  EXPECT_EQ(runs.load(), 1);
  for (const auto& result : results) EXPECT_EQ(result, results.front());
}

TYPED_TEST_P(IdempotencyManager, TheExecutorTakesOverFromACrashedCallerAfterItsLease) {
  auto crashed = this->new_caller();
  ASSERT_TRUE(crashed->records.initiate(crashed->holder, this->key, "c"));  // and never completes
  auto caller = this->new_caller();
  idempotency::executor<receipt> charge{caller->records};
  std::int64_t attempt = 0;
  const auto start = this->clock.now();
  const auto result = charge(this->key, "c", [&](const idempotency::attempt& current) {
    attempt = current.number;
    return a_receipt("ch_retry");
  });
  EXPECT_EQ(attempt, 2);
  EXPECT_EQ(result.charge_id, "ch_retry");
  EXPECT_GE(this->clock.now() - start, 1s);  // it waited for the lease, no longer
  EXPECT_LT(this->clock.now() - start, 1s + 20ms);
  EXPECT_THROW(crashed->records.success(crashed->holder, this->key, a_receipt()), lease_lost_error);
}

REGISTER_TYPED_TEST_SUITE_P(IdempotencyManager, InitiateIsTrueOnlyForTheCallerThatCreatedTheRecord,
                            ASuccessIsRecordedOnceAndEveryoneReadsIt, AFailureIsRecordedAndWaitThrowsIt,
                            AKeyUsedForADifferentRequestIsAnErrorAndChangesNothing,
                            AnExpiredLeaseIsTakenOverByOneCallerAndTheOldHolderCannotComplete,
                            AHolderPastItsLeaseCompletesWhenNobodyTookOver,
                            RenewKeepsTheKeyAndReleaseHandsItOverAtOnce,
                            ARecordIsForgottenAfterItsRetentionAndTheKeyStartsAgain,
                            WaitingForAPendingOperationTimesOutWithATypedError,
                            InvalidKeysAreRefusedAndNothingIsRecorded,
                            CompletingAKeyThisCallerDoesNotHoldIsALeaseLostError,
                            TwoHoldersInOneThreadAreTwoCallers, AHolderOutlivesTheThreadThatInitiatedTheKey,
                            HoldsLiveInTheRecordsSoAbandonedKeysCostTheManagerNothing,
                            OfThreadsRacingToInitiateOrTakeOverAKeyExactlyOneWins,
                            TheExecutorRunsAnOperationOnceForThreadsCallingAtOnce,
                            TheExecutorTakesOverFromACrashedCallerAfterItsLease);

}  // namespace evt::test
