#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace evt {

// Keys end up in stream names, which Message DB indexes (messages_stream,
// a btree: an entry of more than about 2,700 bytes is refused). A key of at
// most this many bytes leaves room for any usual stream name beside it.
inline constexpr std::size_t max_idempotence_key_size = 255;

// What makes an idempotence key unusable, or nothing. One rule for every
// tool that keys something by it (reservation, idempotency records, recovery
// points), so a key good for one is good for all: present, not blank, at
// most max_idempotence_key_size bytes, no NUL, and no '+' (keys end up as
// stream ids, where '+' separates ids).
std::optional<std::string> idempotence_key_problem(std::optional<std::string_view> idempotence_key);

// An idempotency_error naming the key when it breaks the rule.
void check_idempotency_key(std::string_view key);

}  // namespace evt
