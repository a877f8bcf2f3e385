#pragma once

#include <string>
#include <string_view>

namespace evt {

// Standard base64 (RFC 4648, with padding), for binary payloads inside JSON.
std::string base64_encode(std::string_view bytes);
// Anything but well-formed base64 is an evt::error.
std::string base64_decode(std::string_view text);

}  // namespace evt
