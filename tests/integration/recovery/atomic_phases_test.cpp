// Recovery points and atomic phases: each phase commits with its recovery
// point or not at all, a retry resumes after the last committed phase, and
// a finished operation answers its stored response.
#include <evt/error.hpp>
#include <evt/recovery/atomic_phases.hpp>
#include <evt/store/put.hpp>
#include <evt/store/session.hpp>

#include "support/application_table.hpp"
#include "support/database.hpp"
#include "support/names.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace evt::test;
using evt::recovery::atomic_phases;
using evt::recovery::phase_context;

// A service outside the database that deduplicates by idempotency key.
struct payment_service {
  std::mutex mutex;
  std::map<std::string, std::string> charges;  // key -> charge id
  int calls = 0;

  std::string charge(const std::string& key) {
    const std::lock_guard lock{mutex};
    ++calls;
    return charges.try_emplace(key, "ch_" + std::to_string(charges.size() + 1)).first->second;
  }
};

// Opening an account with a deposit: the account row and an Opened message,
// a charge, then the balance. `fail_in` makes a phase throw at its end.
struct opening {
  application_table accounts;
  payment_service payments;
  std::string category = unique_category("accountOpening");
  std::string account_category = unique_category("account");
  std::map<std::string, std::atomic<int>> runs;  // every phase's entry made here: threads only look up
  std::string fail_in;

  opening() {
    for (const auto& phase : phases()) runs[phase.recovery_point] = 0;
  }

  std::vector<evt::recovery::phase> phases() {
    const auto fail_here = [this](const phase_context& phase) {
      if (fail_in == phase.recovery_point()) {
        fail_in.clear();
        throw std::runtime_error{"crash in " + std::string{phase.recovery_point()}};
      }
    };
    return {
        {"account_created",
         [this, fail_here](phase_context& phase) {
           ++runs.at("account_created");
           phase.transaction().execute("INSERT INTO public." + accounts.name + " VALUES ($1, 0)", {std::string{phase.key()}});
           evt::store::put(phase.transaction(), {.type = "Opened", .data = "{}"},
                           account_category + "-" + std::string{phase.key()}, evt::no_stream);
           fail_here(phase);
         }},
        {"charged",
         [this, fail_here](phase_context& phase) {
           ++runs.at("charged");
           phase.set_state(payments.charge(phase.foreign_key()));
           fail_here(phase);
         }},
        {"credited",
         [this, fail_here](phase_context& phase) {
           ++runs.at("credited");
           phase.transaction().execute("UPDATE public." + accounts.name + " SET balance = 100 WHERE id = $1",
                                       {std::string{phase.key()}});
           fail_here(phase);
           phase.finish("opened with " + phase.state());
         }},
    };
  }

  // One run's session and phases, and a fresh key.
  evt::store::session session{{.conninfo = conninfo()}};
  atomic_phases open{session, category, phases()};
  std::string key = unique_id();

  int balance(const std::string& key) {
    const auto rows = accounts.owner.sql("SELECT balance FROM public." + accounts.name + " WHERE id = $1", key);
    return rows.empty() ? -1 : rows[0][0].as<int>();
  }
  std::vector<std::string> types(const std::string& stream) {
    std::vector<std::string> found;
    for (const auto& row : database{}.stream(stream)) found.push_back(row.type);
    return found;
  }
};

TEST(AtomicPhases, RunEachPhaseOnceFromStartedToFinishedAndThenAnswerTheStoredResponse) {
  opening o;
  const auto first = o.open.run(o.key, "customer=c1 amount=100");
  EXPECT_EQ(first.response, "opened with ch_1");
  EXPECT_FALSE(first.replayed);
  EXPECT_EQ(first.reached, (std::vector<std::string>{"started", "account_created", "charged", "credited"}));
  EXPECT_EQ(o.types(o.open.stream_name(o.key)),
            (std::vector<std::string>{"Started", "RecoveryPointReached", "RecoveryPointReached", "Finished"}));
  const auto progress = o.open.progress(o.key);
  EXPECT_EQ(progress->recovery_point, "finished");
  EXPECT_EQ(progress->response, "opened with ch_1");
  EXPECT_EQ(progress->version, 3);

  const auto again = o.open.run(o.key, "customer=c1 amount=100");
  EXPECT_TRUE(again.replayed);
  EXPECT_EQ(again.response, "opened with ch_1");
  EXPECT_TRUE(again.reached.empty());
  EXPECT_EQ(o.runs["account_created"], 1);
  EXPECT_EQ(o.runs["credited"], 1);
  EXPECT_EQ(o.payments.calls, 1);
  EXPECT_EQ(o.balance(o.key), 100);
}

TEST(AtomicPhases, AFailingPhaseRollsBackWithItsRecoveryPointAndARetryResumesAfterTheLastCommittedOne) {
  opening o;
  o.fail_in = "account_created";
  EXPECT_THROW(o.open.run(o.key, "f"), std::runtime_error);
  EXPECT_EQ(o.balance(o.key), -1);  // the row and the Opened message rolled back
  EXPECT_TRUE(database{}.stream(o.account_category + "-" + o.key).empty());
  EXPECT_EQ(o.open.progress(o.key)->recovery_point, "started");

  o.fail_in = "credited";
  EXPECT_THROW(o.open.run(o.key, "f"), std::runtime_error);
  EXPECT_EQ(o.open.progress(o.key)->recovery_point, "charged");
  EXPECT_EQ(o.open.progress(o.key)->state, "ch_1");
  EXPECT_EQ(o.balance(o.key), 0);

  const auto resumed = o.open.run(o.key, "f");
  EXPECT_EQ(resumed.reached, (std::vector<std::string>{"credited"}));
  EXPECT_EQ(resumed.response, "opened with ch_1");
  EXPECT_EQ(o.runs["account_created"], 2);  // once rolled back, once committed
  EXPECT_EQ(o.runs["charged"], 1);
  EXPECT_EQ(o.runs["credited"], 2);
  EXPECT_EQ(o.balance(o.key), 100);
  EXPECT_EQ(database{}.stream(o.account_category + "-" + o.key).size(), 1u);
}

TEST(AtomicPhases, AForeignCallGetsTheSameDerivedKeyOnEveryRetryOfItsPhase) {
  opening o;
  o.fail_in = "charged";  // after the charge: the service charged, the phase rolled back
  EXPECT_THROW(o.open.run(o.key, "f"), std::runtime_error);
  EXPECT_EQ(o.open.run(o.key, "f").response, "opened with ch_1");
  EXPECT_EQ(o.payments.calls, 2);
  ASSERT_EQ(o.payments.charges.size(), 1u);  // deduplicated by the derived o.key
  EXPECT_EQ(o.payments.charges.begin()->first, o.key + ":charged");
}

TEST(AtomicPhases, AKeyStartedForAnotherRequestIsAFingerprintMismatchAndRunsNothing) {
  opening o;
  o.fail_in = "charged";
  EXPECT_THROW(o.open.run(o.key, "amount=100"), std::runtime_error);
  try {
    o.open.run(o.key, "amount=999");
    FAIL() << "no error";
  } catch (const evt::fingerprint_mismatch_error& error) {
    EXPECT_EQ(error.key(), o.key);
    EXPECT_EQ(std::string{error.what()}, "Idempotency key was used for a different request (Key: " + o.key +
                                             ", Recorded Fingerprint: amount=100, Fingerprint: amount=999)");
  }
  EXPECT_EQ(o.runs["charged"], 1);
  EXPECT_EQ(o.open.progress(o.key)->recovery_point, "account_created");
}

TEST(AtomicPhases, RunsOfOneKeyAtOnceDoEachPhaseOnceAndAllAnswerTheSame) {
  opening o;
  constexpr int threads = 6;
  std::vector<std::string> responses(threads);
  std::barrier start{threads};
  {
    std::vector<std::jthread> running;
    for (int i = 0; i < threads; ++i) {
      running.emplace_back([&, i] {
        try {
          evt::store::session session{{.conninfo = conninfo()}};
          atomic_phases open{session, o.category, o.phases()};
          start.arrive_and_wait();
          responses[i] = open.run(o.key, "same").response;
        } catch (const std::exception& error) {
          responses[i] = std::string{"error: "} + error.what();
        }
      });
    }
  }
  for (const auto& response : responses) EXPECT_EQ(response, "opened with ch_1");
  // One run at a time per phase: the others found it done and went on.
  EXPECT_EQ(o.runs.at("account_created"), 1);
  EXPECT_EQ(o.runs.at("charged"), 1);
  EXPECT_EQ(o.runs.at("credited"), 1);
  EXPECT_EQ(o.payments.calls, 1);
  EXPECT_EQ(o.balance(o.key), 100);
  EXPECT_EQ(database{}.stream(o.account_category + "-" + o.key).size(), 1u);
  EXPECT_EQ(o.types(o.category + "-" + o.key),
            (std::vector<std::string>{"Started", "RecoveryPointReached", "RecoveryPointReached", "Finished"}));
}

TEST(AtomicPhases, APhasesOwnWrongExpectedVersionPropagatesAndRollsItBack) {
  opening o;
  const auto account = o.account_category + "-" + o.key;
  evt::store::put(o.session, {.type = "Opened", .data = "{}"}, account);  // opened already, by other means
  const auto before = o.open.progress(o.key);
  try {
    o.open.run(o.key, "f");
    FAIL() << "no error";
  } catch (const evt::expected_version_error& error) {
    EXPECT_EQ(error.stream_name(), account);
  }
  EXPECT_EQ(o.runs.at("account_created"), 1);  // once, not again and again
  EXPECT_EQ(o.open.progress(o.key)->recovery_point, "started");
  EXPECT_EQ(o.balance(o.key), -1);
  EXPECT_FALSE(before.has_value());
}

TEST(AtomicPhases, APhaseMayFinishEarlyAndTheLastMustFinish) {
  opening o;
  evt::store::session session{{.conninfo = conninfo()}};
  const auto key = unique_id();
  atomic_phases declined{session, o.category, {{"checked", [](phase_context& phase) { phase.finish("declined"); }},
                                               {"never", [](phase_context&) { FAIL() << "ran after finishing"; }}}};
  EXPECT_EQ(declined.run(key, "").response, "declined");
  EXPECT_EQ(declined.progress(key)->recovery_point, "finished");

  const auto other = unique_id();
  atomic_phases unfinished{session, o.category, {{"only", [](phase_context&) {}}}};
  try {
    unfinished.run(other, "");
    FAIL() << "no error";
  } catch (const evt::error& error) {
    EXPECT_EQ(std::string{error.what()}, "The last phase must finish the operation (Stream: " + o.category + "-" +
                                             other + ", Recovery Point: only)");
  }
  EXPECT_EQ(unfinished.progress(other)->recovery_point, "started");
}

TEST(AtomicPhases, BadPhasesAndKeysAreRefused) {
  evt::store::session session{{.conninfo = conninfo()}};
  const auto work = [](phase_context&) {};
  EXPECT_THROW(atomic_phases(session, "c", {}), evt::error);
  EXPECT_THROW(atomic_phases(session, "c", {{"a", work}, {"a", work}}), evt::error);
  EXPECT_THROW(atomic_phases(session, "c", {{"started", work}}), evt::error);
  EXPECT_THROW(atomic_phases(session, "c", {{"finished", work}}), evt::error);
  EXPECT_THROW(atomic_phases(session, "c", {{"a", nullptr}}), evt::error);
  EXPECT_THROW(atomic_phases(session, "bad-category", {{"a", work}}), evt::stream_name_error);
  atomic_phases phases{session, unique_category("c"), {{"a", [](phase_context& p) { p.finish("x"); }}}};
  EXPECT_THROW(phases.run("", ""), evt::idempotency_error);
  EXPECT_THROW(phases.run("a+b", ""), evt::idempotency_error);
}

}  // namespace
