#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace evt {

// What makes an idempotence key unusable, or nothing. One rule for every
// tool that keys something by it (reservation, idempotency records, recovery
// points), so a key good for one is good for all: present, not blank, no NUL,
// and no '+' (keys end up as stream ids, where '+' separates ids).
std::optional<std::string> idempotence_key_problem(std::optional<std::string_view> idempotence_key);

// Keys of idempotency records and recovery points also fit an index entry:
// at most this many bytes.
inline constexpr std::size_t max_idempotency_key_size = 255;

// An idempotency_error naming the key when it breaks either rule.
void check_idempotency_key(std::string_view key);

}  // namespace evt
