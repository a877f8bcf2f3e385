#include "payments/payment_service.hpp"

#include "payments/charged.hpp"

#include <evt/message/conversion.hpp>
#include <evt/store/get.hpp>
#include <evt/stream_name.hpp>
#include <evt/uuid.hpp>

namespace account_opening::payments {

payment_service::payment_service(evt::store::session& session, settings settings)
    : session_{session},
      settings_{settings},
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
    // The charge and its record are two writes: a service that crashed
    // between them finds the charge here when the key is taken over.
    const auto stream = charges_stream_name(account_id);
    evt::expected_version version = evt::no_stream;
    for (const auto& row : evt::store::get_stream(session_, stream, {.batch_size = -1})) {
      version = row.position;
      const auto earlier = evt::import_message<Charged>(row);
      if (earlier.idempotency_key == idempotency_key) return earlier.charge_id;
    }
    const Charged charge{.charge_id = evt::random_uuid(), .account_id = account_id, .amount = amount,
                         .idempotency_key = idempotency_key, .time = evt::now()};
    write_(charge, stream, version);  // a charge made meanwhile: expected_version_error, transient, retried
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
