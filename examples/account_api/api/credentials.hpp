#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace account_api {

// Who may call the API: the tokens of a --tokens-file, one client a line,
//
//   # name   token (at least 32 characters; `openssl rand -hex 32`)
//   mobile   3f9c...e1
//   partner  a07b...9d
//
// A request names its client with "Authorization: Bearer <token>". The
// client's name scopes its idempotency keys (and so its deposit ids and
// opened accounts): another client's same key is another key. Tokens are
// kept as SHA-256 digests and a presented token is compared with every one
// in constant time (CRYPTO_memcmp), so neither the time an answer takes nor
// the order of the file tells a guesser how close it came.
//
// Without a tokens file every caller is the one client "local" (the API
// then listens on a loopback address only: see allows_address).
class credentials {
 public:
  static constexpr std::size_t min_token_size = 32;
  static constexpr const char* local_client = "local";

  // Everyone is "local".
  credentials() = default;
  // The file's clients; a line that is not "NAME TOKEN", a short token, a
  // name or token given twice, or no client at all is an evt::error naming
  // the file and line (never the token).
  static credentials from_file(const std::string& path);

  bool required() const noexcept { return !clients_.empty(); }
  // The client of an Authorization header's value, or nothing (a missing
  // header, another scheme, an unknown token).
  std::optional<std::string> client(std::optional<std::string_view> authorization) const;

  // Whether the API may listen on `address` with these credentials: any
  // address with tokens, loopback ones only without.
  bool allows_address(std::string_view address) const;

 private:
  using digest = std::array<unsigned char, 32>;
  struct client_token {
    std::string name;
    digest token;
  };
  static digest sha256(std::string_view text);
  std::vector<client_token> clients_;
};

}  // namespace account_api
