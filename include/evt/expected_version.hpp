#pragma once

#include <cstdint>
#include <optional>

namespace evt {

// What a writer expects the stream's version (the position of its last
// message) to be: no value means no check; no_stream means the stream must
// not exist yet; 0 means it holds exactly one message, and so on.
using expected_version = std::optional<std::int64_t>;

inline constexpr std::int64_t no_stream = -1;

}  // namespace evt
