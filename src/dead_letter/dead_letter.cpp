#include <evt/dead_letter/dead_letter.hpp>

#include <evt/clock.hpp>
#include <evt/error.hpp>
#include <evt/error_kind.hpp>
#include <evt/message/data_json.hpp>
#include <evt/store/get.hpp>
#include <evt/store/put.hpp>
#include <evt/stream_name.hpp>
#include <evt/uuid.hpp>

#include <cstdio>

namespace evt::dead_letter {
namespace {

using detail::json;

// Error texts may quote bytes of what was refused: kept readable, and
// always writable as JSON.
std::string writable(const std::string& text) {
  return json::parse(json(text).dump(-1, ' ', false, json::error_handler_t::replace)).get<std::string>();
}

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
  return std::string{dead_letter_category} + "-" + std::string{id(stream_name).value_or("none")};
}

reason reason_of_current_exception(std::string by, std::int64_t attempts) {
  reason why{.by = std::move(by), .error_class = class_name_of_current_exception(),
             .error = message_of_current_exception(), .attempts = attempts};
  try {
    throw;
  } catch (const store_error& refused) {
    if (!refused.sqlstate().empty()) why.sqlstate = refused.sqlstate();
  } catch (...) {
  }
  return why;
}

store::new_message copy(const store::message_data& original, const reason& reason) {
  const json letter{{"streamName", original.stream_name},
                    {"position", original.position},
                    {"globalPosition", original.global_position},
                    {"messageId", original.id},
                    {"time", microsecond_time(original.time)},
                    {"metadata", original.metadata ? json(*original.metadata) : json(nullptr)},
                    {"by", reason.by},
                    {"errorClass", writable(reason.error_class)},
                    {"error", writable(reason.error)},
                    {"sqlstate", reason.sqlstate ? json(*reason.sqlstate) : json(nullptr)},
                    {"attempts", reason.attempts}};
  return {.type = original.type,
          .data = original.data,
          .metadata = detail::json_text(json{{"deadLetter", letter}}, "the dead letter of message " + original.id)};
}

parked_message read(const store::message_data& dead_letter) {
  try {
    const auto metadata = detail::parse_json(dead_letter.metadata.value_or("null"), detail::numbers::as_doubles);
    const auto& letter = metadata.at("deadLetter");
    return {.dead_letter = dead_letter,
            .original = {.id = field<std::string>(letter, "messageId"),
                         .type = dead_letter.type,
                         .stream_name = field<std::string>(letter, "streamName"),
                         .position = field<std::int64_t>(letter, "position"),
                         .global_position = field<std::int64_t>(letter, "globalPosition"),
                         .data = dead_letter.data,
                         .metadata = optional_text(letter, "metadata"),
                         .time = parse_iso8601_instant(field<std::string>(letter, "time"))},
            .reason = {.by = field<std::string>(letter, "by"),
                       .error_class = field<std::string>(letter, "errorClass"),
                       .error = field<std::string>(letter, "error"),
                       .sqlstate = optional_text(letter, "sqlstate"),
                       .attempts = field<std::int64_t>(letter, "attempts")}};
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

std::optional<std::int64_t> replay(store::session& session, const parked_message& parked) {
  const store::new_message again{.type = parked.original.type,
                                 .data = parked.original.data,
                                 .metadata = parked.original.metadata,
                                 .id = name_uuid("replay of " + parked.dead_letter.id)};
  try {
    return store::put(session, again, parked.original.stream_name);
  } catch (const duplicate_message_id_error&) {
    return std::nullopt;  // replayed before
  }
}

}  // namespace evt::dead_letter
