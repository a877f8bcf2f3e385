#include "payments/payment_service.hpp"

#include "payments/charged.hpp"

#include <evt/stream_name.hpp>
#include <evt/uuid.hpp>

namespace account_opening::payments {

payment_service::payment_service(evt::store::session& session, settings settings)
    : settings_{settings},
      write_{evt::writer::build(session)},
      records_{session, "payment"},
      manager_{records_},
      charges_{manager_},
      random_{settings.seed} {}

std::string payment_service::charges_stream_name(const std::string& account_id) {
  return evt::stream_name("paymentCharges", account_id);
}

bool payment_service::fails() { return std::bernoulli_distribution{settings_.failure_rate}(random_); }

std::string payment_service::charge(const std::string& idempotency_key, const std::string& account_id,
                                    evt::money amount) {
  if (fails()) {
    ++counts_.unavailable;
    throw payment_error{"Payment service unavailable (Idempotency Key: " + idempotency_key + ")"};
  }
  bool charged = false;
  const auto charge_id = charges_(idempotency_key, account_id + " " + amount.to_string(), [&] {
    const Charged charge{.charge_id = evt::random_uuid(), .account_id = account_id, .amount = amount,
                         .idempotency_key = idempotency_key, .time = evt::now()};
    write_(charge, charges_stream_name(account_id));
    charged = true;
    return charge.charge_id;
  });
  ++(charged ? counts_.charged : counts_.deduplicated);
  if (fails()) {
    ++counts_.responses_lost;
    throw payment_error{"Payment service response lost (Idempotency Key: " + idempotency_key + ")"};
  }
  return charge_id;
}

}  // namespace account_opening::payments
