#include <evt/dead_letter/dead_letter.hpp>

#include <evt/clock.hpp>
#include <evt/error.hpp>
#include <evt/error_kind.hpp>
#include <evt/idempotence_key.hpp>
#include <evt/message/data_json.hpp>
#include <evt/store/get.hpp>
#include <evt/store/put.hpp>
#include <evt/stream_name.hpp>
#include <evt/uuid.hpp>

#include <cstdio>
#include <iterator>
#include <stdexcept>

namespace evt::dead_letter {
namespace {

using detail::json;

// Error texts may quote bytes of what was refused: kept readable, and
// always writable as JSON.
std::string writable(const std::string& text) {
  return json::parse(json(text).dump(-1, ' ', false, json::error_handler_t::replace)).get<std::string>();
}

constexpr std::string_view parker_names[] = {"consumer", "projector", "relay"};

std::string_view name_of(parker parker) { return parker_names[static_cast<std::size_t>(parker)]; }

parker parker_named(std::string_view name) {
  for (std::size_t i = 0; i < std::size(parker_names); ++i) {
    if (parker_names[i] == name) return static_cast<parker>(i);
  }
  throw std::runtime_error{"unknown parker: " + std::string{name}};
}

// A stand-in type for a message that has none (the store refuses to write one).
constexpr std::string_view untyped = "DeadLetter";

// The original's time to the microsecond, as the store has it.
std::string microsecond_time(store::time_point time) {
  auto text = iso8601(time);  // ...SS.mmmZ
  const auto microseconds = (time.time_since_epoch().count() % 1000 + 1000) % 1000;
  char digits[4];
  std::snprintf(digits, sizeof digits, "%03d", static_cast<int>(microseconds));
  text.insert(text.size() - 1, digits);
  return text;
}

template <class T>
T field(const json& letter, const char* key) {
  return letter.at(key).get<T>();
}

template <class T>
T field_or(const json& letter, const char* key, T otherwise) {
  const auto found = letter.find(key);
  return found == letter.end() || found->is_null() ? otherwise : found->get<T>();
}

std::optional<std::string> optional_text(const json& letter, const char* key) {
  const auto found = letter.find(key);
  if (found == letter.end() || found->is_null()) return std::nullopt;
  return found->get<std::string>();
}

}  // namespace

std::string category_of(std::string_view category) {
  auto types = category_types(category);
  types.emplace_back("deadLetter");
  return category_stream_name(entity_name(category), types);
}

std::string stream_of(std::string_view dead_letter_category, std::string_view stream_name) {
  // The whole id, compound ones too (a reserved copy's: account:command-1+d1).
  std::string parked_id{id(stream_name).value_or("none")};
  if (parked_id.size() > max_idempotence_key_size) parked_id = name_uuid(parked_id);
  return std::string{dead_letter_category} + "-" + parked_id;
}

reason reason_of_current_exception(dead_letter::parker parker, std::string by, std::int64_t attempts) {
  reason why{.parker = parker, .by = std::move(by), .error_class = class_name_of_current_exception(),
             .error = message_of_current_exception(), .attempts = attempts,
             .replayable = current_exception_as<duplicate_reservation_error>() == nullptr};
  if (const auto* refused = current_exception_as<store_error>(); refused != nullptr && !refused->sqlstate().empty()) {
    why.sqlstate = refused->sqlstate();
  }
  return why;
}

std::string letter_id(std::string_view parker, const store::message_data& original) {
  // As JSON: no two parkers and ids give one name.
  return name_uuid(json::array({"dead letter", parker, original.id}).dump());
}

store::new_message copy(const store::message_data& original, const reason& reason, std::optional<std::string> id) {
  const json letter{{"streamName", original.stream_name},
                    {"position", original.position},
                    {"globalPosition", original.global_position},
                    {"messageId", original.id},
                    {"type", original.type},
                    {"time", microsecond_time(original.time)},
                    {"metadata", original.metadata ? json(*original.metadata) : json(nullptr)},
                    {"parker", name_of(reason.parker)},
                    {"by", reason.by},
                    {"errorClass", writable(reason.error_class)},
                    {"error", writable(reason.error)},
                    {"sqlstate", reason.sqlstate ? json(*reason.sqlstate) : json(nullptr)},
                    {"attempts", reason.attempts},
                    {"replayable", reason.replayable}};
  return {.type = original.type.empty() ? std::string{untyped} : original.type,
          .data = original.data,
          .metadata = detail::json_text(json{{"deadLetter", letter}}, "the dead letter of message " + original.id),
          .id = std::move(id)};
}

parked_message read(const store::message_data& dead_letter) {
  try {
    auto metadata = detail::parse_json(dead_letter.metadata.value_or("null"), detail::numbers::as_doubles);
    const auto letter = metadata.at("deadLetter");
    // A relay's letter from before parking was shared: the original's
    // metadata itself, with "deadLetter" added.
    const bool relays_own = letter.contains("relay") && !letter.contains("parker");
    std::optional<std::string> original_metadata;
    if (relays_own) {
      metadata.erase("deadLetter");
      if (!metadata.empty()) original_metadata = detail::json_text(metadata, "metadata");
    } else {
      original_metadata = optional_text(letter, "metadata");
    }
    const auto time = field_or<std::string>(letter, "time", "");
    return {.dead_letter = dead_letter,
            .original = {.id = field<std::string>(letter, "messageId"),
                         .type = field_or<std::string>(letter, "type", dead_letter.type),
                         .stream_name = field<std::string>(letter, "streamName"),
                         .position = field<std::int64_t>(letter, "position"),
                         .global_position = field<std::int64_t>(letter, "globalPosition"),
                         .data = dead_letter.data,
                         .metadata = std::move(original_metadata),
                         .time = time.empty() ? store::time_point{} : parse_iso8601_instant(time)},
            .reason = {.parker = relays_own ? parker::relay : parker_named(field_or<std::string>(letter, "parker", "consumer")),
                       .by = relays_own ? field<std::string>(letter, "relay") : field<std::string>(letter, "by"),
                       .error_class = field_or<std::string>(letter, "errorClass", ""),
                       .error = field<std::string>(letter, "error"),
                       .sqlstate = optional_text(letter, "sqlstate"),
                       .attempts = field_or<std::int64_t>(letter, "attempts", 1),
                       .replayable = field_or<bool>(letter, "replayable", true)}};
  } catch (const std::exception& failure) {  // json's errors, and a time that is not one
    throw decode_error{dead_letter.stream_name, dead_letter.position, dead_letter.type, "metadata.deadLetter",
                       failure.what()};
  }
}

std::vector<parked_message> parked(store::session& session, std::string_view category, std::int64_t position,
                                   std::int64_t batch_size) {
  std::vector<parked_message> found;
  for (const auto& row : store::get_category(session, category_of(category),
                                             {.position = position, .batch_size = batch_size})) {
    found.push_back(read(row));
  }
  return found;
}

std::string replay_id(const store::message_data& dead_letter) { return name_uuid("replay of " + dead_letter.id); }

namespace {

// The original's metadata with the local property replayOf: the dead
// letter's id. Metadata that is no JSON object (what got it parked,
// perhaps) is written back as it was.
std::optional<std::string> replayed_metadata(const parked_message& parked) {
  json metadata = json::object();
  try {
    if (parked.original.metadata) metadata = detail::parse_json(*parked.original.metadata);  // numbers exactly
  } catch (const std::exception&) {
    return parked.original.metadata;
  }
  if (!metadata.is_object()) return parked.original.metadata;
  auto& local = metadata["localProperties"];
  if (local.is_null()) local = json::object();
  if (!local.is_object()) return parked.original.metadata;
  local["replayOf"] = parked.dead_letter.id;  // replay_of_property, as stored
  return detail::json_text(metadata, "the replay of dead letter " + parked.dead_letter.id);
}

}  // namespace

std::optional<std::int64_t> replay(store::session& session, const parked_message& parked) {
  if (!parked.reason.replayable) {
    throw error{"Not replayable: it was refused as a duplicate of a command reserved already, and written again it "
                "could only take effect twice (Dead Letter: " + parked.dead_letter.stream_name + "/" +
                std::to_string(parked.dead_letter.position) + ", Error: " + parked.reason.error + ")"};
  }
  if (parked.reason.parker != parker::consumer) {
    throw error{"Only a message a consumer parked is replayed: this " + std::string{name_of(parked.reason.parker)} +
                "'s would be written to its stream twice (" +
                (parked.reason.parker == parker::projector ? "rebuild the projector once the cause is fixed; "
                                                           : "deliver it again from its dead letter; ") +
                "Dead Letter: " + parked.dead_letter.stream_name + "/" + std::to_string(parked.dead_letter.position) + ")"};
  }
  const store::new_message again{.type = parked.original.type,
                                 .data = parked.original.data,
                                 .metadata = replayed_metadata(parked),
                                 .id = replay_id(parked.dead_letter)};
  try {
    return store::put(session, again, parked.original.stream_name);
  } catch (const duplicate_message_id_error&) {
    return std::nullopt;  // replayed before
  }
}

}  // namespace evt::dead_letter

namespace evt::dead_letter {

bool is_letter_of(store::session& session, std::string_view id, const store::message_data& original) {
  const auto found = store::get_message(session, id);
  if (!found) return false;
  try {
    return read(*found).original.id == original.id;
  } catch (const decode_error&) {
    return false;
  }
}

std::optional<parked_message> replayed_letter(store::session& session, std::string_view letter_id,
                                              std::string_view message_id, std::string_view stream_name) {
  const auto letter = store::get_message(session, letter_id);
  if (!letter || replay_id(*letter) != message_id) return std::nullopt;
  try {
    auto parked = read(*letter);
    if (parked.reason.parker != parker::consumer || !parked.reason.replayable ||
        parked.original.stream_name != stream_name) {
      return std::nullopt;
    }
    return parked;
  } catch (const decode_error&) {  // not a dead letter
    return std::nullopt;
  }
}

}  // namespace evt::dead_letter
