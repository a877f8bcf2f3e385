// The idempotency manager and executor on memory: the shared contract
// (tests/support/idempotency_contract.hpp), and what needs a storage that
// fails on purpose or a failure type of the application's own.
#include "support/idempotency_contract.hpp"

#include <evt/idempotency/memory_storage.hpp>

#include <stdexcept>

namespace {

using namespace evt::test;
using namespace std::chrono_literals;
namespace idempotency = evt::idempotency;

struct memory_world {
  explicit memory_world(fake_clock& clock) : records{{.clock = [&clock] { return clock.now(); }}} {}

  // Every caller shares the one storage, as threads of a process would.
  std::shared_ptr<idempotency::storage> caller() { return {std::shared_ptr<void>{}, &records}; }
  std::string unique_key() { return "key-" + std::to_string(++keys); }

  idempotency::memory_storage records;
  int keys = 0;
};

INSTANTIATE_TYPED_TEST_SUITE_P(Memory, IdempotencyManager, memory_world);

// A storage whose next write commits and then loses the connection, as a
// connection lost under a COMMIT does.
struct losing_storage final : idempotency::storage {
  idempotency::memory_storage records;
  bool lose_next_reply = false;

  std::optional<idempotency::record> get(std::string_view key) override { return records.get(key); }
  bool put(const idempotency::record& record, std::int64_t expected, idempotency::transition transition) override {
    const bool written = records.put(record, expected, transition);
    if (std::exchange(lose_next_reply, false)) throw evt::connection_error{"connection lost", true};
    return written;
  }
};

idempotency::settings fake_time(fake_clock& clock) {
  return {.lease = 1s, .retention = 1h, .poll_interval = 10ms, .clock = [&clock] { return clock.now(); },
          .sleep = [&clock](std::chrono::milliseconds duration) { clock.advance(duration); }};
}

TEST(IdempotencyManager, CallsRepeatedAfterALostConnectionFindWhatTheLostCallRecorded) {
  fake_clock clock;
  losing_storage storage;
  idempotency::manager<receipt> records{storage, fake_time(clock)};
  idempotency::manager<receipt> other{storage, fake_time(clock)};
  const auto me = idempotency::holder::make();
  const auto someone = idempotency::holder::make();

  storage.lose_next_reply = true;
  EXPECT_THROW(records.initiate(me, "k", "c"), evt::connection_error);
  EXPECT_TRUE(records.initiate(me, "k", "c"));  // it was taken: by this holder
  EXPECT_FALSE(other.initiate(someone, "k", "c"));
  EXPECT_EQ(records.get("k")->stored.attempt, 1);

  storage.lose_next_reply = true;
  EXPECT_THROW(records.success(me, "k", a_receipt()), evt::connection_error);
  EXPECT_NO_THROW(records.success(me, "k", a_receipt()));  // recorded the first time
  EXPECT_FALSE(records.holds(me, "k"));
  EXPECT_THROW(records.success(me, "k", a_receipt("ch_2")), evt::lease_lost_error);  // not another outcome
  EXPECT_EQ(other.wait("k", 0ms), a_receipt());

  ASSERT_TRUE(records.initiate(me, "r"));
  storage.lose_next_reply = true;
  EXPECT_THROW(records.release(me, "r"), evt::connection_error);
  EXPECT_NO_THROW(records.release(me, "r"));  // released the first time
  EXPECT_TRUE(other.initiate(someone, "r"));
}

// The record cannot tell a retry after a lost reply from a second call, so
// both are answered alike: the holder holds the key. Nothing is written.
TEST(IdempotencyManager, InitiatingAgainWhileHoldingTheKeyIsTrueForTheHolderOnly) {
  fake_clock clock;
  idempotency::memory_storage storage;
  idempotency::manager<receipt> records{storage, fake_time(clock)};
  const auto me = idempotency::holder::make();
  ASSERT_TRUE(records.initiate(me, "k"));
  const auto before = records.get("k")->stored;
  EXPECT_TRUE(records.initiate(me, "k"));
  EXPECT_FALSE(records.initiate(idempotency::holder::make(), "k"));
  EXPECT_EQ(records.get("k")->stored, before);
  EXPECT_TRUE(records.holds(me, "k"));
}

TEST(IdempotencyManager, ARecordInAnotherFormatIsAnErrorNamingBoth) {
  fake_clock clock;
  idempotency::memory_storage storage;
  idempotency::manager<receipt, idempotency::failure, idempotency::json_serializer> writer{storage, fake_time(clock)};
  idempotency::manager<receipt> reader{storage, fake_time(clock)};
  const auto me = idempotency::holder::make();
  ASSERT_TRUE(writer.initiate(me, "k"));
  writer.success(me, "k", a_receipt());
  EXPECT_EQ(writer.get("k")->result, a_receipt());
  try {
    reader.get("k");
    FAIL() << "no error";
  } catch (const evt::idempotency_error& error) {
    EXPECT_EQ(std::string{error.what()},
              "Idempotency record was written in another format (Key: k, Format: json, Expected: msgpack)");
  }
}

TEST(IdempotencyManager, ACorruptResultIsAnErrorNamingTheKey) {
  fake_clock clock;
  idempotency::memory_storage storage;
  idempotency::manager<receipt> records{storage, fake_time(clock)};
  const auto me = idempotency::holder::make();
  ASSERT_TRUE(records.initiate(me, "k"));
  records.records().success(me, "k", "msgpack", "\xc1");
  try {
    records.get("k");
    FAIL() << "no error";
  } catch (const evt::error& error) {
    EXPECT_NE(std::string{error.what()}.find("Cannot decode the success of idempotency key k"), std::string::npos)
        << error.what();
  }
}

// An application's own failure type: thrown by the operation, recorded,
// and thrown again, as itself, to later callers.
struct declined {
  BOOST_HANA_DEFINE_STRUCT(declined, (std::string, reason), (std::int64_t, code));
};

TEST(IdempotencyExecutor, AFailureOfTheApplicationsTypeIsRecordedAndThrownToLaterCallers) {
  fake_clock clock;
  idempotency::memory_storage storage;
  idempotency::manager<receipt, declined> records{storage, fake_time(clock)};
  idempotency::executor<receipt, declined> charge{records};
  int runs = 0;
  const auto operation = [&]() -> receipt {
    ++runs;
    throw declined{.reason = "insufficient funds", .code = 51};
  };
  EXPECT_THROW(charge("k", "c", operation), declined);
  try {
    charge("k", "c", operation);
    FAIL() << "no error";
  } catch (const declined& error) {
    EXPECT_EQ(error.reason, "insufficient funds");
    EXPECT_EQ(error.code, 51);
  }
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(records.get("k")->status(), idempotency::status::failed);
}

TEST(IdempotencyExecutor, AnyExceptionIsRecordedWithTheDefaultFailureType) {
  fake_clock clock;
  idempotency::memory_storage storage;
  idempotency::manager<std::string> records{storage, fake_time(clock)};
  idempotency::executor<std::string> run{records};
  EXPECT_THROW(run("k", "", []() -> std::string { throw std::invalid_argument{"amount must be positive"}; }),
               std::invalid_argument);
  try {
    run("k", "", [] { return std::string{"never runs"}; });
    FAIL() << "no error";
  } catch (const evt::operation_failed_error& error) {
    EXPECT_EQ(error.type(), "std::invalid_argument");
    EXPECT_EQ(error.message(), "amount must be positive");
  }
}

TEST(IdempotencyExecutor, ATransientErrorReleasesTheKeySoTheNextCallRunsAgain) {
  fake_clock clock;
  idempotency::memory_storage storage;
  idempotency::manager<std::string> records{storage, fake_time(clock)};
  idempotency::executor<std::string> run{records};
  int runs = 0;
  EXPECT_THROW(run("k", "", [&]() -> std::string {
                 ++runs;
                 throw evt::connection_error{"payment gateway unreachable"};
               }),
               evt::connection_error);
  EXPECT_EQ(records.get("k")->status(), idempotency::status::pending);
  EXPECT_EQ(run("k", "", [&] { return "ran again after " + std::to_string(runs++) + " run"; }), "ran again after 1 run");
  EXPECT_EQ(records.get("k")->stored.attempt, 2);
  EXPECT_EQ(clock.now(), fake_clock{}.now());  // released: nobody waited for a lease

  // Anything that is not an exception is never recorded either.
  EXPECT_THROW(run("k2", "", []() -> std::string { throw 42; }), int);
  EXPECT_EQ(run("k2", "", [] { return std::string{"ok"}; }), "ok");
}

TEST(IdempotencyExecutor, ConflictsAndLostConnectionsAreTransientOtherErrorsAreRecorded) {
  using evt::idempotency::is_transient;
  EXPECT_TRUE(is_transient(evt::connection_error{"lost"}));
  EXPECT_TRUE(is_transient(evt::expected_version_error{"s-1", 1, 2}));
  EXPECT_TRUE(is_transient(evt::store_error{"could not serialize access", "40001"}));
  EXPECT_TRUE(is_transient(evt::store_error{"deadlock detected", "40P01"}));
  EXPECT_TRUE(is_transient(evt::operation_pending_error{"pending", "k"}));
  EXPECT_TRUE(is_transient(evt::lease_lost_error{"lost", "k"}));
  EXPECT_TRUE(is_transient(std::bad_alloc{}));
  EXPECT_TRUE(is_transient(evt::store_error{"duplicate key value", "23505"})) << "a race, usually";
  EXPECT_FALSE(is_transient(evt::store_error{"violates check constraint", "23514"}));
  EXPECT_FALSE(is_transient(evt::fingerprint_mismatch_error{"mismatch", "k"}));
  EXPECT_FALSE(is_transient(std::invalid_argument{"bad"}));

  fake_clock clock;
  idempotency::memory_storage storage;
  idempotency::manager<std::string> records{storage, fake_time(clock)};
  idempotency::executor<std::string> run{records};
  EXPECT_THROW(run("k", "", []() -> std::string { throw evt::store_error{"deadlock detected", "40P01"}; }),
               evt::store_error);
  EXPECT_EQ(run("k", "", [] { return std::string{"second run"}; }), "second run");
}

TEST(IdempotencyExecutor, RejectingWhilePendingIsAnErrorWithoutWaiting) {
  fake_clock clock;
  idempotency::memory_storage storage;
  idempotency::manager<std::string> records{storage, fake_time(clock)};
  idempotency::executor<std::string> run{records, {.pending = idempotency::executor<std::string>::when_pending::reject}};
  ASSERT_TRUE(records.initiate(idempotency::holder::make(), "k", "c"));
  const auto before = clock.now();
  try {
    run("k", "c", [] { return std::string{"never"}; });
    FAIL() << "no error";
  } catch (const evt::operation_pending_error& error) {
    EXPECT_EQ(std::string{error.what()}, "Operation is pending in another caller (Key: k, Attempt: 1)");
  }
  EXPECT_EQ(clock.now(), before);
  EXPECT_THROW(run("k", "other request", [] { return std::string{"never"}; }), evt::fingerprint_mismatch_error);
}

TEST(IdempotencyExecutor, ACallerThatKeepsItsHolderRunsAtOnceAfterItsInitiateLostItsReply) {
  fake_clock clock;
  losing_storage storage;
  auto long_lease = fake_time(clock);
  long_lease.lease = 1h;
  idempotency::manager<std::string> records{storage, long_lease};
  idempotency::executor<std::string> run{records, {.wait_timeout = 300ms}};
  const auto me = idempotency::holder::make();
  storage.lose_next_reply = true;
  EXPECT_THROW(run(me, "k", "", [] { return std::string{"never"}; }), evt::connection_error);
  const auto before = clock.now();
  EXPECT_EQ(run(me, "k", "", [] { return std::string{"ran"}; }), "ran") << "its own lost initiate holds the key";
  EXPECT_EQ(clock.now(), before) << "no wait for its own lease";
  EXPECT_EQ(records.get("k")->stored.attempt, 1);
  EXPECT_EQ(run("k", "", [] { return std::string{"again"}; }), "ran") << "recorded once";
}

TEST(IdempotencyExecutor, WaitingGivesUpAtItsTimeout) {
  fake_clock clock;
  idempotency::memory_storage storage;
  auto long_lease = fake_time(clock);
  long_lease.lease = 1h;
  idempotency::manager<std::string> holding{storage, long_lease};
  idempotency::manager<std::string> records{storage, fake_time(clock)};
  idempotency::executor<std::string> run{records, {.wait_timeout = 300ms}};
  ASSERT_TRUE(holding.initiate(idempotency::holder::make(), "k"));
  const auto before = clock.now();
  EXPECT_THROW(run("k", "", [] { return std::string{"never"}; }), evt::operation_pending_error);
  EXPECT_EQ(clock.now() - before, 300ms);
}

}  // namespace
