#pragma once

#include <evt/money.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace account_api {

// Request bodies: a JSON object (Content-Type application/json, 415
// otherwise) with exactly the members a route takes. Unknown members are
// refused (400), so that a misspelt one is never silently dropped; so are
// malformed JSON, another shape, or a member of the wrong type. Each is a
// problem_error naming the member.
void check_json_content_type(std::optional<std::string_view> content_type);

// POST /accounts: {"customerId": "..."}, no control characters.
struct open_body {
  std::string customer_id;
};
open_body parse_open(std::string_view body);

// POST /accounts/{id}/deposits and /withdrawals: {"amount": "11.50"} or a
// JSON number, read exactly (11.50 keeps its scale, as the store does). An
// amount the component refuses (validation.hpp: not positive, too large,
// too many decimals) is a 422.
struct amount_body {
  evt::money amount;
};
amount_body parse_amount(std::string_view body);

}  // namespace account_api
