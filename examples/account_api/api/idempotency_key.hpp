#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace account_api {

// The key of an Idempotency-Key header. The draft
// (draft-ietf-httpapi-idempotency-key-header-06) makes it a Structured
// Field string, "8e03978e-40d5-43e8-bc93-6894a57f9324"; a bare token, as
// Stripe's clients send it, is taken as it is. A key must pass the
// toolkit's rule for idempotence keys (evt::idempotence_key_problem: at
// most 255 bytes, no '+', not blank) and be printable ASCII. Anything else,
// a missing header or one given twice (an Item, not a List) included, is a
// problem_error (400). `headers`: every value the request gave.
std::string idempotency_key(const std::vector<std::string>& headers);

// What makes a key, as written (unquoted already), unusable, or nothing:
// the rule above.
std::optional<std::string> key_problem(std::string_view key);

}  // namespace account_api
