#pragma once

#include <string>
#include <string_view>

// Key casing between C++ fields and the stored JSON, as Ruby Eventide does
// it: snake_case fields, camelCase keys.
namespace evt {

// "deposit_id" -> "depositId"; "correlation_stream_name" -> "correlationStreamName".
std::string camel_case(std::string_view snake_case);

// "depositId" -> "deposit_id"; a '-' also becomes '_' ("some-key" -> "some_key");
// "WithdrawalRejected" -> "withdrawal_rejected"; an acronym run "ABC" -> "a_bc".
std::string snake_case(std::string_view camel_case);

}  // namespace evt
