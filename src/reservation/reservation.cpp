#include <evt/reservation/reservation.hpp>

#include <evt/idempotence_key.hpp>

namespace evt {
namespace {

std::string where(const std::string& type, const metadata& metadata) {
  std::string text = "Message Type: " + type;
  if (metadata.stream_name) text += ", Stream: " + *metadata.stream_name;
  if (metadata.global_position) text += ", Global Position: " + std::to_string(*metadata.global_position);
  return text;
}

// "<Type> <global position>", as the reservation's log lines name a message.
std::string named(const std::string& type, const metadata& metadata) {
  return type + " " + (metadata.global_position ? std::to_string(*metadata.global_position) : "(not stored)");
}

}  // namespace

reservation reservation::build(store::session& session) {
  reservation built;
  built.write_ = writer::build(session);
  return built;
}

reservation reservation::substitute() {
  reservation double_;
  double_.substitute_ = true;
  return double_;
}

std::string reservation::stream_name(std::string_view origin, std::string_view idempotence_key) {
  const auto separator = origin.find('-');
  // The origin's ids plus the key; an origin without ids gets the key as its
  // id. Trailing '+' are dropped, as Ruby's split and join drop them.
  auto ids = separator == std::string_view::npos ? std::string_view{} : origin.substr(separator + 1);
  while (!ids.empty() && ids.back() == '+') ids.remove_suffix(1);
  const auto category = origin.substr(0, separator);
  if (ids.empty()) return std::string{category} + "-" + std::string{idempotence_key};
  return std::string{category} + "-" + std::string{ids} + "+" + std::string{idempotence_key};
}

std::optional<std::string> reservation::key_problem(std::optional<std::string_view> idempotence_key) {
  return idempotence_key_problem(idempotence_key);
}

void reservation::check_key(const describe& message, std::optional<std::string_view> idempotence_key) {
  if (const auto problem = key_problem(idempotence_key)) {
    throw reservation_error{*problem + " (" + where(message.type, message.metadata) + ")"};
  }
}

void reservation::require_substitute(const char* what) const {
  if (!substitute_) throw error{std::string{"reservation::"} + what + " is for reservation::substitute() only"};
}

std::string reservation::stream_name(const describe& message, std::string_view idempotence_key) {
  if (!message.metadata.stream_name || message.metadata.stream_name->empty()) {
    throw reservation_error{"Message has no stream name: only a message read from the store can be reserved (" +
                            where(message.type, message.metadata) + ")"};
  }
  return stream_name(*message.metadata.stream_name, idempotence_key);
}

bool reservation::is_reserved(const metadata& metadata) {
  const auto* marker = metadata.local_property(local_property);
  return marker != nullptr && !marker->is_null() && *marker != false;
}

std::string reservation::marker(const metadata& original, std::string_view idempotence_key) {
  // Never null: a null marker would read as "not reserved" and reserve the
  // copy again, into ...+key+key, without end (SPEC 1.7).
  return original.message_id && !original.message_id->empty() ? *original.message_id : std::string{idempotence_key};
}

reservation::outcome reservation::handled(const describe& message) {
  ++counts_.handled;
  log("Handled reserved message " + named(message.type, message.metadata));
  return outcome::handled;
}

reservation::outcome reservation::reserved(const describe& message, std::string_view idempotence_key) {
  ++counts_.reserved;
  log("Reserved " + named(message.type, message.metadata) + ", Idempotence Key: " + std::string{idempotence_key});
  return outcome::reserved;
}

reservation::outcome reservation::ignored(const describe& message, const std::string& stream) {
  ++counts_.ignored;
  log(named(message.type, message.metadata) + " ignored, output stream " + stream + " exists");
  return outcome::ignored;
}

}  // namespace evt
