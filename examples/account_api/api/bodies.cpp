#include "api/bodies.hpp"

#include "api/answer.hpp"
#include "component/validation.hpp"

#include <evt/message/data_json.hpp>

#include <algorithm>
#include <initializer_list>

namespace account_api {
namespace {

using json = nlohmann::json;

// Longer than any amount the component takes (13 digits, 20 decimals).
constexpr std::size_t max_amount_text = 64;

[[noreturn]] void refuse(std::string_view detail) {
  throw problem_error{problem(400, "malformed-body", "The request's body is not what the route takes", detail)};
}

// The body as a JSON object holding only `members`.
json object_of(std::string_view body, std::initializer_list<std::string_view> members) {
  json parsed;
  try {
    parsed = evt::detail::parse_json(body);
  } catch (const std::exception& error) {
    refuse(std::string{"Not JSON: "} + error.what());
  }
  if (!parsed.is_object()) refuse("The body must be a JSON object");
  for (const auto& [name, value] : parsed.items()) {
    if (std::find(members.begin(), members.end(), name) == members.end()) {
      refuse("Unknown member \"" + name + "\" (this route takes: " + [&] {
        std::string names;
        for (const auto member : members) names += (names.empty() ? "" : ", ") + std::string{member};
        return names;
      }() + ")");
    }
  }
  for (const auto member : members) {
    if (!parsed.contains(member)) refuse("Missing member \"" + std::string{member} + "\"");
  }
  return parsed;
}

}  // namespace

void check_json_content_type(std::optional<std::string_view> content_type) {
  // A media type is case-insensitive, and may have spaces before its parameters.
  std::string media{content_type ? content_type->substr(0, content_type->find(';')) : std::string_view{}};
  while (!media.empty() && media.back() == ' ') media.pop_back();
  std::transform(media.begin(), media.end(), media.begin(), [](unsigned char c) { return std::tolower(c); });
  if (media != "application/json") {
    throw problem_error{problem(415, "unsupported-media-type", "Bodies are JSON",
                                "Content-Type must be application/json (given: " +
                                    std::string{content_type.value_or("none")} + ")")};
  }
}

open_body parse_open(std::string_view body) {
  const auto parsed = object_of(body, {"customerId"});
  const auto& customer = parsed["customerId"];
  // No control characters: the store refuses NUL, and a log line or a
  // terminal should not be steered by a customer id.
  const auto control = [](unsigned char c) { return c < 0x20 || c == 0x7f; };
  if (!customer.is_string() || customer.get<std::string>().empty() ||
      std::any_of(customer.get_ref<const std::string&>().begin(), customer.get_ref<const std::string&>().end(), control)) {
    refuse("\"customerId\" must be a non-empty string without control characters");
  }
  return {.customer_id = customer.get<std::string>()};
}

amount_body parse_amount(std::string_view body) {
  const auto parsed = object_of(body, {"amount"});
  const auto& given = parsed["amount"];
  // Refused by its shape before any arithmetic: "1e131071" is a number
  // money holds (131,072 digits), and comparing it costs milliseconds.
  const auto text = given.is_string()                       ? given.get<std::string>()
                    : evt::detail::is_exact_number(given)  ? evt::detail::exact_number_text(given)
                                                           : std::string{};
  const auto exponent = text.find_first_of("eE");
  if (text.size() > max_amount_text ||
      (exponent != std::string::npos && text.size() - exponent > 4)) {  // from the 'e': e-99 at most
    throw problem_error{problem(422, "amount-refused", "The account component refuses this amount",
                                "An amount is at most " + std::to_string(max_amount_text) +
                                    " characters, with an exponent of at most two digits")};
  }
  evt::money amount;
  try {
    amount = given.is_string() ? evt::money::parse(given.get<std::string>()) : evt::detail::money_from_json(given);
  } catch (const std::exception&) {
    refuse("\"amount\" must be a decimal number, as a JSON number or string like \"11.50\" (given: " +
           evt::detail::shown(given) + ")");
  }
  if (const auto problem_found = account_component::amount_problem(amount)) {
    throw problem_error{problem(422, "amount-refused", "The account component refuses this amount", *problem_found,
                                {{"amount", amount.to_string()}})};
  }
  return {.amount = amount};
}

}  // namespace account_api
