#pragma once

#include <evt/idempotency/executor.hpp>
#include <evt/idempotency/message_store_storage.hpp>
#include <evt/money.hpp>
#include <evt/store/session.hpp>
#include <evt/write/writer.hpp>

#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>

namespace account_opening::payments {

// The service refused or did not answer; the charge may or may not have
// been made. Retrying with the same idempotency key is safe.
struct payment_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A fake external payment service that fails at random, as remote services
// do, and deduplicates by idempotency key, as good ones do: with the
// idempotency manager (evt::idempotency::executor, records in
// payment-<key>), so a key charges once and answers the same charge id
// after; the same key for another account or amount is refused. Charges are
// Charged messages in paymentCharges-<account id>, each naming its key. It
// has a session of its own: outside the caller's transaction, a rollback
// there does not undo a charge.
class payment_service {
 public:
  struct settings {
    double failure_rate = 0.0;  // of each kind: unavailable (before charging), response lost (after)
    std::uint64_t seed = 1;
  };
  struct counts {
    std::int64_t charged = 0;        // charges made
    std::int64_t deduplicated = 0;   // requests answered with an earlier charge
    std::int64_t unavailable = 0;
    std::int64_t responses_lost = 0;
  };

  payment_service(evt::store::session& session, settings settings);

  // The charge's id: a new charge, or the one made before with this key.
  std::string charge(const std::string& idempotency_key, const std::string& account_id, evt::money amount);

  const counts& telemetry() const noexcept { return counts_; }
  static std::string charges_stream_name(const std::string& account_id);

 private:
  bool fails();

  evt::store::session& session_;
  settings settings_;
  evt::writer write_;
  evt::idempotency::message_store_storage records_;
  evt::idempotency::manager<std::string> manager_;
  evt::idempotency::executor<std::string> charges_;
  std::mt19937_64 random_;
  counts counts_{};
};

}  // namespace account_opening::payments
