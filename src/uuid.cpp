#include <evt/uuid.hpp>

#include <boost/uuid/name_generator_sha1.hpp>
#include <boost/uuid/string_generator.hpp>
#include <boost/uuid/uuid_io.hpp>

#include <array>
#include <cstdint>
#include <random>

namespace evt {

std::string random_uuid() {
  // One generator per thread, seeded from the OS: ids must not repeat across
  // threads or processes.
  thread_local std::mt19937_64 generator{[] {
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device(), device(), device()};
    return std::mt19937_64{seed};
  }()};
  std::array<std::uint8_t, 16> bytes{};
  for (std::size_t i = 0; i < bytes.size(); i += 8) {
    const std::uint64_t bits = generator();
    for (std::size_t j = 0; j < 8; ++j) bytes[i + j] = static_cast<std::uint8_t>(bits >> (8 * j));
  }
  bytes[6] = static_cast<std::uint8_t>((bytes[6] & 0x0f) | 0x40);  // version 4
  bytes[8] = static_cast<std::uint8_t>((bytes[8] & 0x3f) | 0x80);  // RFC 4122 variant

  static constexpr char hex[] = "0123456789abcdef";
  std::string text;
  text.reserve(36);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) text += '-';
    text += hex[bytes[i] >> 4];
    text += hex[bytes[i] & 0x0f];
  }
  return text;
}

std::string name_uuid(std::string_view name) {
  static const boost::uuids::name_generator_sha1 generate{
      boost::uuids::string_generator{}("8d5c4f3e-2a61-4b7e-9c0d-5e76a1f0b2c4")};
  return boost::uuids::to_string(generate(name.data(), name.size()));
}

}  // namespace evt
