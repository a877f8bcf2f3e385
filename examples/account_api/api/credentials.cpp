#include "api/credentials.hpp"

#include <evt/error.hpp>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <fstream>
#include <sstream>

namespace account_api {

credentials::digest credentials::sha256(std::string_view text) {
  digest out{};
  unsigned int size = 0;
  if (EVP_Digest(text.data(), text.size(), out.data(), &size, EVP_sha256(), nullptr) != 1 || size != out.size()) {
    throw evt::error{"Cannot compute a SHA-256 digest (OpenSSL)"};
  }
  return out;
}

credentials credentials::from_file(const std::string& path) {
  std::ifstream file{path};
  if (!file) throw evt::error{"Cannot read the tokens file (Path: " + path + ")"};
  credentials read;
  std::string line;
  for (int number = 1; std::getline(file, line); ++number) {
    const auto where = " (Path: " + path + ", Line: " + std::to_string(number) + ")";
    std::istringstream words{line};
    std::string name, token, extra;
    if (!(words >> name) || name.starts_with('#')) continue;
    if (!(words >> token) || (words >> extra)) throw evt::error{"A tokens file line is NAME TOKEN" + where};
    if (token.size() < min_token_size) {
      throw evt::error{"A token must have at least " + std::to_string(min_token_size) + " characters" + where};
    }
    const auto digest = sha256(token);
    for (const auto& known : read.clients_) {
      if (known.name == name) throw evt::error{"Client named twice (Client: " + name + ")" + where};
      if (known.token == digest) throw evt::error{"Token given twice (Client: " + name + ")" + where};
    }
    read.clients_.push_back({.name = name, .token = digest});
  }
  if (read.clients_.empty()) throw evt::error{"The tokens file names no client (Path: " + path + ")"};
  return read;
}

std::optional<std::string> credentials::client(std::optional<std::string_view> authorization) const {
  if (!required()) return std::string{local_client};
  constexpr std::string_view scheme = "Bearer ";
  if (!authorization || authorization->size() <= scheme.size()) return std::nullopt;
  // The scheme is case-insensitive (RFC 9110).
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>((*authorization)[i])) !=
        std::tolower(static_cast<unsigned char>(scheme[i]))) {
      return std::nullopt;
    }
  }
  const auto presented = sha256(authorization->substr(scheme.size()));
  const client_token* found = nullptr;
  for (const auto& known : clients_) {  // every one, whatever matched
    if (CRYPTO_memcmp(presented.data(), known.token.data(), presented.size()) == 0) found = &known;
  }
  if (found == nullptr) return std::nullopt;
  return found->name;
}

bool credentials::allows_address(std::string_view address) const {
  return required() || address == "127.0.0.1" || address == "::1" || address == "localhost";
}

}  // namespace account_api
