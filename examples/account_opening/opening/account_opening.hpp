#pragma once

#include "crash/crash_points.hpp"
#include "payments/payment_service.hpp"

#include <evt/money.hpp>
#include <evt/recovery/atomic_phases.hpp>
#include <evt/store/session.hpp>

#include <boost/hana.hpp>

#include <string>

namespace account_opening {

// Open an account for a customer with an initial deposit collected from a
// payment service, once per idempotency key however often it is requested.
struct request {
  std::string key;
  std::string account_id;
  std::string customer_id;
  evt::money amount;
};

// What the caller gets, now and on every retry (stored with "finished").
struct response {
  BOOST_HANA_DEFINE_STRUCT(response, (std::string, account_id), (std::string, charge_id), (evt::money, balance));
  bool operator==(const response&) const = default;
};

// The request's fingerprint: the same key with another request is refused.
std::string fingerprint(const request& request);

// Recovery points of the stream accountOpening-<key>: started ->
// account_opened (Opened written to account-<id>) -> funds_collected (the
// payment service charged, with the derived key "<key>:funds_collected")
// -> finished (Deposited written, the response stored). The account
// component reads the account as it reads any other.
class account_opening {
 public:
  static constexpr const char* category = "accountOpening";

  account_opening(evt::store::session& session, payments::payment_service& payments, crash_at crash = crash_at{});

  // A payment_error when the payment service fails (run again to resume).
  evt::recovery::outcome run(const request& request);
  static response read_response(const std::string& text);

 private:
  evt::recovery::atomic_phases phases(const request& request);

  evt::store::session& session_;
  payments::payment_service& payments_;
  crash_at crash_;
};

}  // namespace account_opening
