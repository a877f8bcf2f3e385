#include <evt/base64.hpp>

#include <evt/error.hpp>

#include <array>
#include <cstdint>

namespace evt {
namespace {

constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<int, 256> decoding_table() {
  std::array<int, 256> table{};
  table.fill(-1);
  for (std::size_t i = 0; i < alphabet.size(); ++i) table[static_cast<unsigned char>(alphabet[i])] = static_cast<int>(i);
  return table;
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
  std::string text;
  text.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const auto remaining = bytes.size() - i;
    std::uint32_t group = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16;
    if (remaining > 1) group |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8;
    if (remaining > 2) group |= static_cast<unsigned char>(bytes[i + 2]);
    text += alphabet[(group >> 18) & 63];
    text += alphabet[(group >> 12) & 63];
    text += remaining > 1 ? alphabet[(group >> 6) & 63] : '=';
    text += remaining > 2 ? alphabet[group & 63] : '=';
  }
  return text;
}

std::string base64_decode(std::string_view text) {
  static constexpr auto table = decoding_table();
  const auto reject = [&] { throw error{"Not base64 (Length: " + std::to_string(text.size()) + ")"}; };
  if (text.size() % 4 != 0) reject();
  std::string bytes;
  bytes.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    const int padding = last ? (text[i + 3] == '=') + (text[i + 2] == '=') : 0;
    if (padding == 1 && text[i + 2] == '=') reject();
    std::uint32_t group = 0;
    for (std::size_t j = 0; j < 4; ++j) {
      const bool padded = static_cast<int>(j) >= 4 - padding;
      const int value = padded ? 0 : table[static_cast<unsigned char>(text[i + j])];
      if (value < 0) reject();
      group = (group << 6) | static_cast<std::uint32_t>(value);
    }
    bytes += static_cast<char>((group >> 16) & 0xff);
    if (padding < 2) bytes += static_cast<char>((group >> 8) & 0xff);
    if (padding < 1) bytes += static_cast<char>(group & 0xff);
  }
  return bytes;
}

}  // namespace evt
