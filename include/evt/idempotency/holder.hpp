#pragma once

#include <evt/uuid.hpp>

#include <compare>
#include <string>
#include <utility>

namespace evt::idempotency {

// Who holds a key: a random token that the manager writes into the record
// it initiates (its `owner`) and that the caller keeps and passes back to
// complete, release or renew the key. The token is the whole identity, so a
// copy is the same holder, in any thread, through any manager over the same
// records; a holder nobody keeps is forgotten with it.
//
// One holder per logical caller of an operation (a request, a job, a
// coroutine): callers that share a holder are one caller to the manager.
class holder {
 public:
  static holder make() { return holder{random_uuid()}; }

  const std::string& token() const noexcept { return token_; }

  auto operator<=>(const holder&) const = default;

 private:
  explicit holder(std::string token) : token_{std::move(token)} {}

  std::string token_;
};

}  // namespace evt::idempotency
