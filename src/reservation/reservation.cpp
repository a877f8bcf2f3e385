#include <evt/reservation/reservation.hpp>

#include <evt/dead_letter/dead_letter.hpp>
#include <evt/idempotence_key.hpp>
#include <evt/message/metadata_json.hpp>
#include <evt/store/get.hpp>
#include <evt/stream_name.hpp>

#include <nlohmann/json.hpp>

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
  built.session_ = &session;
  return built;
}

void reservation::configure(store::session& session) {
  auto log = std::move(log_);
  *this = build(session);
  log_ = std::move(log);
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

std::string reservation::stream_name(const describe& message, std::string_view idempotence_key,
                                     std::optional<std::string_view> origin) {
  if (origin) return stream_name(*origin, idempotence_key);
  if (!message.metadata.stream_name || message.metadata.stream_name->empty()) {
    throw reservation_error{"Message has no stream name: only a message read from the store can be reserved (" +
                            where(message.type, message.metadata) + ")"};
  }
  return stream_name(*message.metadata.stream_name, idempotence_key);
}

namespace {

// The local property that marks a copy: set, and neither null nor false.
bool is_marked(const metadata& metadata) {
  const auto* marker = metadata.local_property(reservation::local_property);
  return marker != nullptr && !marker->is_null() && *marker != false;
}

}  // namespace

reservation::standing reservation::standing_of(const metadata& metadata, std::string_view idempotence_key,
                                               std::optional<std::string_view> origin) {
  if (!metadata.stream_name || !metadata.position) return standing::original;
  if (origin) {
    // Within an entity: the first message of the key's stream is the
    // reservation, marked or not; one later that is marked, or says it is a
    // replay (of a command written straight into it), is a replay or a
    // duplicate.
    if (*metadata.stream_name != stream_name(*origin, idempotence_key)) return standing::original;
    if (*metadata.position == 0) return standing::reserved_copy;
    const bool replay = metadata.local_property(dead_letter::replay_of_property) != nullptr;
    return is_marked(metadata) || replay ? standing::later_in_reservation_stream : standing::original;
  }
  if (!is_marked(metadata) || !metadata.causation_message_stream_name) return standing::original;
  if (*metadata.stream_name != stream_name(*metadata.causation_message_stream_name, idempotence_key)) {
    return standing::original;
  }
  return *metadata.position == 0 ? standing::reserved_copy : standing::later_in_reservation_stream;
}

bool reservation::marked(const store::message_data& message) {
  // Most messages do not say "reserved" at all: they are told apart without parsing.
  if (!message.metadata || message.metadata->find(local_property) == std::string::npos) return false;
  const auto json = nlohmann::json::parse(*message.metadata, nullptr, false);
  if (!json.is_object()) return false;
  const auto local = json.find("localProperties");
  if (local == json.end() || !local->is_object()) return false;
  const auto marker = local->find(local_property);
  return marker != local->end() && !marker->is_null() && *marker != false;
}

bool reservation::is_reserved(const metadata& metadata, std::string_view idempotence_key,
                              std::optional<std::string_view> origin) {
  return standing_of(metadata, idempotence_key, origin) == standing::reserved_copy;
}

store::new_message reservation::copy_of(const describe& original, const std::optional<std::string>& data,
                                        std::string_view idempotence_key) {
  metadata copy;
  copy.follow(original.metadata);
  // Never null: a null marker would read as "not reserved" and reserve the
  // copy again, into ...+key+key, without end (SPEC 1.7).
  const auto& id = original.metadata.message_id;
  copy.set_local_property(local_property, id && !id->empty() ? *id : std::string{idempotence_key});
  return {.type = original.type, .data = data, .metadata = metadata_json(copy)};
}

void reservation::check_replay(const describe& message) {
  if (session_ == nullptr) {
    throw reservation_error{"A reservation without a session cannot tell a replay (" +
                            where(message.type, message.metadata) + ")"};
  }
  const auto* letter = message.metadata.local_property(dead_letter::replay_of_property);
  if (letter != nullptr && letter->is_string() && message.metadata.message_id &&
      dead_letter::replayed_letter(*session_, letter->get<std::string>(), *message.metadata.message_id,
                                   *message.metadata.stream_name)) {
    return;
  }
  throw duplicate_reservation_error{
      "A reserved copy later in its reservation stream that is no replay of a parked copy: a duplicate of the "
      "command reserved there, never applied and never replayed (" + where(message.type, message.metadata) + ")"};
}

std::optional<store::message_data> reservation::first_in(const std::string& stream) const {
  if (session_ != nullptr) {
    auto first = store::get_stream(*session_, stream, {.position = 0, .batch_size = 1});
    if (first.empty() || first.front().position != 0) return std::nullopt;
    return std::move(first.front());
  }
  for (const auto& written : write_.written()) {
    if (written.stream_name == stream) {
      return store::message_data{.id = written.message.id.value_or(""), .type = written.message.type,
                                 .stream_name = stream, .data = written.message.data,
                                 .metadata = written.message.metadata};
    }
  }
  return std::nullopt;
}

void reservation::refuse_taken(const describe& message, const store::message_data& first, const std::string& why) {
  throw reservation_error{"Idempotence key taken by another command: its reservation stream " + first.stream_name +
                          " " + why + " (" + where(message.type, message.metadata) +
                          "); one key, one command: issue it with a key of its own"};
}

void reservation::check_first_not_refused(const describe& message, const store::message_data& first) const {
  // A reserved copy parked (its account could not be read) takes effect
  // when replayed: the command is a duplicate of it all the same.
  if (session_ == nullptr || marked(first)) return;
  const auto letters = dead_letter::stream_of(dead_letter::category_of(category(first.stream_name)), first.stream_name);
  for (const auto& letter : store::get_stream(*session_, letters, {.batch_size = -1})) {
    try {
      if (dead_letter::read(letter).original.id == first.id) {
        refuse_taken(message, first,
                     "begins with a command written straight into it that was refused (parked: " + letter.stream_name +
                         "/" + std::to_string(letter.position) + ")");
      }
    } catch (const decode_error&) {  // another writer's message: no letter of it
    }
  }
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
