// evt parked [CATEGORY]: the messages parked in dead-letter streams
// ("<category>:deadLetter-<id>", "+deadLetter" after a typed category) with
// the reasons; evt parked replay ID | --all [CATEGORY]: written again to
// their original streams by evt::dead_letter::replay (once: a replay's id
// is derived from the dead letter's).
#include "cli/arguments.hpp"
#include "cli/categories.hpp"
#include "cli/command.hpp"

#include <evt/dead_letter/dead_letter.hpp>
#include <evt/error.hpp>
#include <evt/store/get.hpp>
#include <evt/stream_name.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace evt::cli {
namespace {

constexpr const char* message_by_id_sql =
    "SELECT stream_name, position FROM message_store.messages WHERE id = $1::uuid";

// Dead-letter streams are named after the category parked from, with the
// compound type "deadLetter" (dead_letter::category_of).
constexpr std::string_view dead_letter_type = "deadLetter";

// The categories to look at: the one given (its own, or its dead-letter
// category), or every category with a dead letter.
std::vector<std::string> parked_categories(store::session& session, const std::optional<std::string>& category) {
  if (category) return {has_type(*category, dead_letter_type) ? without_type(*category, dead_letter_type) : *category};
  std::vector<std::string> found;
  for (const auto& name : categories(session)) {
    if (has_type(name, dead_letter_type)) found.push_back(without_type(name, dead_letter_type));
  }
  return found;
}

std::optional<store::message_data> message_by_id(store::session& session, const std::string& id) {
  const auto rows = session.transaction([&](store::transaction& t) { return t.query(message_by_id_sql, {id}); });
  if (rows.empty()) return std::nullopt;
  const auto& stream = rows[0].at(0).value();
  const auto found =
      store::get_stream(session, stream, {.position = std::stoll(rows[0].at(1).value()), .batch_size = 1});
  if (found.empty()) return std::nullopt;
  return found.front();
}

// Every dead letter of the category, oldest first; `each` gets it read, or
// the error that says why it cannot be (something else written there).
template <class Each>
void each_dead_letter(store::session& session, const std::string& category, Each each) {
  store::category_batch batch{.position = 1};
  for (;;) {
    const auto rows = store::get_category(session, dead_letter::category_of(category), batch);
    for (const auto& row : rows) {
      std::optional<dead_letter::parked_message> parked;
      std::string unreadable;
      try {
        parked = dead_letter::read(row);
      } catch (const decode_error& failure) {
        unreadable = failure.what();
      }
      each(row, parked, unreadable);
    }
    if (static_cast<std::int64_t>(rows.size()) < batch.batch_size) return;
    batch.position = rows.back().global_position + 1;
  }
}

value text_or_null(const std::optional<std::string>& text) {
  if (!text) return std::monostate{};
  return *text;
}

// The original's metadata is kept as text: JSON when it is (as stored, it is).
value json_or_text(const std::optional<std::string>& text) {
  if (!text) return std::monostate{};
  if (nlohmann::json::accept(*text)) return raw_json{*text};
  return *text;
}

constexpr std::string_view parker_names[] = {"consumer", "projector", "relay"};

// One parked message; a row the same shape when it cannot be read.
record parked_record(store::session& session, const store::message_data& letter,
                     const std::optional<dead_letter::parked_message>& parked, const std::string& unreadable,
                     bool json) {
  const auto known = [&](auto show) -> value { return parked ? show(*parked) : value{}; };
  const auto replay = parked ? message_by_id(session, dead_letter::replay_id(letter)) : std::nullopt;
  const value replayed = replay ? value{replay->stream_name + "/" + std::to_string(replay->position)} : value{};
  const value error = parked ? value{parked->reason.error} : value{"not a dead letter evt can read: " + unreadable};
  const auto stream_name = known([](const auto& p) -> value { return p.original.stream_name; });
  const auto position = known([](const auto& p) -> value { return p.original.position; });
  const auto type = known([](const auto& p) -> value { return p.original.type; });
  const auto by = known([](const auto& p) -> value { return p.reason.by; });
  const auto attempts = known([](const auto& p) -> value { return p.reason.attempts; });
  if (!json) {
    return {{"id", letter.id},
            {"parked_time", letter.time},
            {"stream_name", stream_name},
            {"position", position},
            {"type", type},
            {"by", by},
            {"error", error},
            {"attempts", attempts},
            {"replayed", replayed}};
  }
  return {{"id", letter.id},
          {"parked_time", letter.time},
          {"dead_letter_stream", letter.stream_name},
          {"dead_letter_position", letter.position},
          {"stream_name", stream_name},
          {"position", position},
          {"global_position", known([](const auto& p) -> value { return p.original.global_position; })},
          {"message_id", known([](const auto& p) -> value { return p.original.id; })},
          {"type", type},
          {"time", known([](const auto& p) -> value { return p.original.time; })},
          {"parker", known([](const auto& p) -> value {
             return std::string{parker_names[static_cast<std::size_t>(p.reason.parker)]};
           })},
          {"by", by},
          {"error_class", known([](const auto& p) -> value { return p.reason.error_class; })},
          {"error", error},
          {"sqlstate", known([](const auto& p) { return text_or_null(p.reason.sqlstate); })},
          {"attempts", attempts},
          {"replayable", known([](const auto& p) -> value { return raw_json{p.reason.replayable ? "true" : "false"}; })},
          {"data", json_or_text(letter.data)},
          {"metadata", known([](const auto& p) { return json_or_text(p.original.metadata); })},
          {"replayed", replayed}};
}

void list(const common_options& options, const std::optional<std::string>& category) {
  if (category) require_category("CATEGORY", *category);
  auto session = options.session();
  auto out = options.output();
  for (const auto& parked_category : parked_categories(session, category)) {
    each_dead_letter(session, parked_category,
                     [&](const store::message_data& letter, const std::optional<dead_letter::parked_message>& parked,
                         const std::string& unreadable) {
                       out.add(parked_record(session, letter, parked, unreadable, options.json));
                     });
  }
  out.finish(category ? "No parked messages of " + *category : "No parked messages");
}

record replay_record(const dead_letter::parked_message& parked, std::string_view outcome,
                     std::optional<std::int64_t> position, const std::optional<std::string>& refusal) {
  return {{"id", parked.dead_letter.id},
          {"stream_name", parked.original.stream_name},
          {"outcome", std::string{outcome}},
          {"position", position ? value{*position} : value{}},
          {"error", text_or_null(refusal)}};
}

record replayed(store::session& session, const dead_letter::parked_message& parked) {
  const auto position = dead_letter::replay(session, parked);
  return replay_record(parked, position ? "replayed" : "replayed before", position, std::nullopt);
}

// With --all, a refusal is reported (exit 1) once the others are replayed.
record replayed_or_refused(store::session& session, const dead_letter::parked_message& parked,
                           std::vector<std::string>& refusals) {
  try {
    return replayed(session, parked);
  } catch (const connection_error&) {
    throw;  // the store is gone: nothing else can be replayed either
  } catch (const error& refused) {
    refusals.emplace_back(refused.what());
    return replay_record(parked, "refused", std::nullopt, refusals.back());
  }
}

struct replay_arguments {
  std::optional<std::string> target;  // the dead letter's id, or with --all a category
  bool all = false;
};

void replay(const common_options& options, const replay_arguments& arguments) {
  if (arguments.all) {
    if (arguments.target) require_category("CATEGORY", *arguments.target);
  } else {
    if (!arguments.target) throw usage_error{"replay needs the ID of a parked message (evt parked), or --all"};
    require_uuid("ID", *arguments.target);
  }
  auto session = options.session();
  auto out = options.output();
  std::vector<std::string> refusals;
  if (arguments.all) {
    for (const auto& parked_category : parked_categories(session, arguments.target)) {
      each_dead_letter(session, parked_category,
                       [&](const store::message_data& letter, const std::optional<dead_letter::parked_message>& parked,
                           const std::string& unreadable) {
                         if (parked) {
                           out.add(replayed_or_refused(session, *parked, refusals));
                         } else {
                           refusals.push_back(unreadable);
                           out.add({{"id", letter.id},
                                    {"stream_name", letter.stream_name},
                                    {"outcome", std::string{"refused"}},
                                    {"position", std::monostate{}},
                                    {"error", unreadable}});
                         }
                       });
    }
  } else {
    const auto letter = message_by_id(session, *arguments.target);
    if (!letter) throw error{"No message has this id (ID: " + *arguments.target + ")"};
    if (!has_type(evt::category(letter->stream_name), dead_letter_type)) {
      throw error{"Not a parked message: it is not in a dead-letter stream (ID: " + letter->id +
                  ", Stream: " + letter->stream_name + ")"};
    }
    out.add(replayed(session, dead_letter::read(*letter)));  // a refusal: exit 1, with its message
  }
  out.finish("No parked messages");
  if (!refusals.empty()) {
    throw error{std::to_string(refusals.size()) + " parked message(s) not replayed; the first: " + refusals.front()};
  }
}

}  // namespace

void add_parked(CLI::App& app) {
  auto [command, options] = add_command(app, "parked", "The parked (dead-letter) messages, with the reasons");
  auto category = std::make_shared<std::optional<std::string>>();
  command->add_option("CATEGORY", *category, "only the messages parked from this category (account:command)");

  auto [replay_command, replay_options] =
      add_command(*command, "replay",
                  "Writes parked messages again to their original streams (once each; only what a consumer parked)");
  auto given = std::make_shared<replay_arguments>();
  replay_command->add_option("ID|CATEGORY", given->target,
                             "the id of a parked message (as evt parked lists it); with --all, a category");
  replay_command->add_flag("--all", given->all, "every parked message (of the category, if one is given)");
  // `evt parked --database X replay ID` means X as much as `evt parked replay ID --database X`.
  replay_command->callback([options, replay_options, given] {
    auto merged = *replay_options;
    if (merged.database.empty()) merged.database = options->database;
    merged.json = merged.json || options->json;
    replay(merged, *given);
  });

  command->callback([options, category, replay_command = replay_command] {
    if (replay_command->parsed()) return;  // `evt parked replay` ran instead
    list(*options, *category);
  });
}

}  // namespace evt::cli
