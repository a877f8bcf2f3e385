// The account opening in process, against the real store: a payment
// failure stops a run where it was and the next run resumes; the payment
// service deduplicates by key; the account component sees the account.
#include "driver/effects.hpp"
#include "opening/account_opening.hpp"
#include "payments/payment_service.hpp"

#include <evt/error.hpp>
#include <evt/recovery/atomic_phases.hpp>
#include <evt/uuid.hpp>

#include "support/database.hpp"

#include <gtest/gtest.h>

namespace {

using namespace account_opening;

request a_request() {
  return {.key = "test-" + evt::random_uuid(), .account_id = evt::random_uuid(), .customer_id = evt::random_uuid(),
          .amount = evt::money::parse("75.10")};
}

struct fixture {
  evt::store::session session{{.conninfo = evt::test::conninfo()}};
  evt::store::session payments_session{{.conninfo = evt::test::conninfo()}};
};

TEST(AccountOpening, OpensTheAccountWithItsDepositOnceAndAnswersRetriesFromTheRecord) {
  fixture f;
  payments::payment_service payments{f.payments_session, {}};
  account_opening::account_opening opening{f.session, payments};
  const auto request = a_request();
  const auto first = opening.run(request);
  const auto answer = account_opening::account_opening::read_response(first.response);
  EXPECT_EQ(answer.account_id, request.account_id);
  EXPECT_EQ(answer.balance, request.amount);
  const auto again = opening.run(request);
  EXPECT_TRUE(again.replayed);
  EXPECT_EQ(again.response, first.response);
  EXPECT_EQ(payments.telemetry().charged, 1);
  EXPECT_TRUE(read_effects(f.session, request).problems(request).empty());
}

TEST(AccountOpening, APaymentFailureStopsTheRunAfterTheLastCommittedPhaseAndTheNextRunResumes) {
  fixture f;
  // Seeded so that the first charge is answered "unavailable" and a later one goes through.
  payments::payment_service failing{f.payments_session, {.failure_rate = 0.9, .seed = 7}};
  account_opening::account_opening opening{f.session, failing};
  const auto request = a_request();
  int failures = 0;
  std::optional<evt::recovery::outcome> finished;
  // The seeded failures let a run through after a few (the 15th today):
  // far more without one finishing means the runs make no progress.
  constexpr int max_runs = 200;
  for (int run = 1; !finished; ++run) {
    ASSERT_LE(run, max_runs) << "no run finished in " << max_runs << " (" << failures << " payment failures)";
    try {
      finished = opening.run(request);
    } catch (const payments::payment_error&) {
      ++failures;
      EXPECT_EQ(evt::recovery::read_progress(f.session, account_opening::account_opening::category, request.key)
                    ->recovery_point,
                "account_opened");
    }
  }
  EXPECT_GT(failures, 0);
  EXPECT_EQ(finished->reached, (std::vector<std::string>{"funds_collected", "deposited"}));
  // Charges whose answer was lost were made once and found again by key.
  EXPECT_EQ(failing.telemetry().charged, 1);
  EXPECT_EQ(failing.telemetry().deduplicated, failing.telemetry().responses_lost);
  const auto effects = read_effects(f.session, request);
  EXPECT_TRUE(effects.problems(request).empty()) << effects.problems(request).front();
}

TEST(AccountOpening, ThePaymentServiceChargesAKeyOnceAndRefusesItForAnotherAmount) {
  fixture f;
  payments::payment_service payments{f.payments_session, {}};
  const auto account = evt::random_uuid();
  const auto first = payments.charge("pay-" + evt::random_uuid(), account, evt::money::parse("5"));
  const auto key = "pay-" + evt::random_uuid();
  const auto charge = payments.charge(key, account, evt::money::parse("5"));
  EXPECT_EQ(payments.charge(key, account, evt::money::parse("5")), charge);
  EXPECT_NE(charge, first);
  EXPECT_THROW(payments.charge(key, account, evt::money::parse("6")), evt::fingerprint_mismatch_error);
  EXPECT_EQ(payments.telemetry().charged, 2);
  EXPECT_EQ(payments.telemetry().deduplicated, 1);
  EXPECT_EQ(evt::test::database{}.stream(payments::payment_service::charges_stream_name(account)).size(), 2u);
}

TEST(AccountOpening, TheSameKeyForAnotherRequestIsRefused) {
  fixture f;
  payments::payment_service payments{f.payments_session, {}};
  account_opening::account_opening opening{f.session, payments};
  auto request = a_request();
  opening.run(request);
  request.amount = evt::money::parse("1");
  EXPECT_THROW(opening.run(request), evt::fingerprint_mismatch_error);
  EXPECT_THROW(crash_at{"nowhere"}, evt::error);
}

}  // namespace
