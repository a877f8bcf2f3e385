#include "support/names.hpp"

#include <cstdint>
#include <cstdio>
#include <random>

namespace evt::test {
namespace {

std::uint64_t random_bits() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return generator();
}

}  // namespace

std::string unique_category(std::string_view prefix) {
  char suffix[9];
  std::snprintf(suffix, sizeof suffix, "%08x", static_cast<unsigned>(random_bits() & 0xffffffffU));
  return std::string{prefix} + "X" + suffix;
}

std::string unique_id() {
  const std::uint64_t high = (random_bits() & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;
  const std::uint64_t low = (random_bits() & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
  char text[37];
  std::snprintf(text, sizeof text, "%08x-%04x-%04x-%04x-%012llx",
                static_cast<unsigned>(high >> 32), static_cast<unsigned>((high >> 16) & 0xffff),
                static_cast<unsigned>(high & 0xffff), static_cast<unsigned>(low >> 48),
                static_cast<unsigned long long>(low & 0xffffffffffffULL));
  return text;
}

std::string stream_name(std::string_view category, std::string_view id) {
  return std::string{category} + "-" + std::string{id};
}

std::string unique_stream_name(std::string_view prefix) {
  return stream_name(unique_category(prefix), unique_id());
}

}  // namespace evt::test
