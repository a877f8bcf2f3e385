#include <evt/idempotence_key.hpp>

#include <evt/error.hpp>

namespace evt {

std::optional<std::string> idempotence_key_problem(std::optional<std::string_view> idempotence_key) {
  if (!idempotence_key) return "Idempotence key is missing";
  if (idempotence_key->find_first_not_of(" \t\n\r\f\v") == std::string_view::npos) {
    return "Idempotence key must not be blank";
  }
  if (idempotence_key->size() > max_idempotence_key_size) {
    return "Idempotence key is longer than " + std::to_string(max_idempotence_key_size) +
           " bytes (Key Size: " + std::to_string(idempotence_key->size()) + ", Idempotence Key: " +
           excerpt(*idempotence_key) + ")";
  }
  if (idempotence_key->find('+') != std::string_view::npos) {
    return "Idempotence key must not contain '+', which separates the ids of a stream name (Idempotence Key: " +
           excerpt(*idempotence_key) + ")";
  }
  if (idempotence_key->find('\0') != std::string_view::npos) return "Idempotence key must not contain a NUL character";
  return std::nullopt;
}

void check_idempotency_key(std::string_view key) {
  if (auto problem = idempotence_key_problem(key)) throw idempotency_error{*problem, std::string{key}};
}

}  // namespace evt
