#include "support/names.hpp"

#include <evt/uuid.hpp>

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

std::string unique_id() { return evt::random_uuid(); }

std::string stream_name(std::string_view category, std::string_view id) {
  return std::string{category} + "-" + std::string{id};
}

std::string unique_stream_name(std::string_view prefix) {
  return stream_name(unique_category(prefix), unique_id());
}

}  // namespace evt::test
