#pragma once

#include <evt/clock.hpp>
#include <evt/message/message.hpp>
#include <evt/money.hpp>

#include <string>

namespace account_opening::payments {

// One charge the payment service made, in paymentCharges-<account id>.
EVT_MESSAGE(Charged, (std::string, charge_id), (std::string, account_id), (evt::money, amount),
            (std::string, idempotency_key), (evt::time_point, time));

}  // namespace account_opening::payments
