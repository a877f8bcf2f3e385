// Base64 (include/evt/base64.hpp, the entity store's snapshot payloads):
// any text decodes or is an evt::error; what decodes encodes to text that
// decodes to the same bytes; and any bytes encode and decode back exactly.
#include <evt/base64.hpp>
#include <evt/error.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

void check(bool condition, const char* what) {
  if (condition) return;
  std::fprintf(stderr, "base64 property broken: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(bytes), size);

  // The input as bytes: an exact round trip, of the expected length.
  const auto encoded = evt::base64_encode(input);
  check(encoded.size() == (size + 2) / 3 * 4, "encoded length");
  check(evt::base64_decode(encoded) == input, "bytes -> base64 -> the same bytes");

  // The input as text.
  std::string decoded;
  try {
    decoded = evt::base64_decode(input);
  } catch (const evt::error&) {
    return 0;  // the documented refusal; anything else escapes and is a finding
  }
  check(size % 4 == 0 && decoded.size() <= size / 4 * 3, "decoded length");
  const auto again = evt::base64_encode(decoded);
  check(again.size() == size, "re-encoded length");
  check(evt::base64_decode(again) == decoded, "decoded -> base64 -> the same bytes");
  return 0;
}
