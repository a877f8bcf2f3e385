// evt consumers [CATEGORY]: every consumer found from its position stream
// (Eventide's names: "<category>:position[-<identifier>]", "+position"
// after a typed category; projectors and relays record theirs so too), with
// its recorded position, how many messages of its category come after it
// (only its share for a consumer group member) and how old the first of
// them is.
#include "cli/arguments.hpp"
#include "cli/categories.hpp"
#include "cli/command.hpp"

#include <evt/clock.hpp>
#include <evt/consumer/position_store.hpp>
#include <evt/error.hpp>
#include <evt/store/get.hpp>
#include <evt/store/lag.hpp>
#include <evt/stream_name.hpp>

#include <algorithm>
#include <optional>
#include <string>

namespace evt::cli {
namespace {

// Ages are measured against the server's clock, which wrote the times.
constexpr const char* server_time_sql =
    "SELECT to_char(clock_timestamp() AT TIME ZONE 'utc', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')";

// Position streams are named after the category read, with the compound
// type "position" (position_store::stream_name).
constexpr std::string_view position_type = "position";

// Our consumer group members are "<identifier>+<member>".
bool looks_like_group_member(std::string_view position_stream) {
  const auto identifier = id(position_stream);
  if (!identifier) return false;
  const auto plus = identifier->rfind('+');
  if (plus == std::string_view::npos || plus + 1 == identifier->size()) return false;
  return std::all_of(identifier->begin() + static_cast<std::ptrdiff_t>(plus) + 1, identifier->end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

// What is known of one consumer; less when its position stream says less.
struct consumer_state {
  std::string position_stream;
  std::string category;
  std::optional<position_store::record> recorded = std::nullopt;
  std::optional<store::time_point> recorded_time = std::nullopt;
  std::optional<store::lag> lag = std::nullopt;
  std::string note{};
};

consumer_state look_at(store::session& session, const std::string& position_stream) {
  consumer_state consumer{.position_stream = position_stream,
                          .category = without_type(evt::category(position_stream), position_type)};
  const auto last = store::get_last(session, position_stream, "Recorded");
  if (!last) {
    consumer.note = "no Recorded position in the stream";
    return consumer;
  }
  consumer.recorded_time = last->time;
  try {
    consumer.recorded = position_store::read(*last);
  } catch (const decode_error& failure) {
    consumer.note = failure.what();
    return consumer;
  }
  if (!consumer.recorded->group && looks_like_group_member(position_stream)) {
    consumer.note = "a group member whose group size is not recorded: the whole category is counted";
  }
  consumer.lag = store::category_lag(session, consumer.category, consumer.recorded->position, consumer.recorded->group);
  return consumer;
}

template <class T>
value or_null(const std::optional<T>& known) {
  return known ? value{*known} : value{};
}

// The group as "member/size" in a table, two numbers in JSON.
record consumer_record(const consumer_state& consumer, store::time_point now, bool json) {
  const auto group = consumer.recorded ? consumer.recorded->group : std::nullopt;
  const auto oldest = consumer.lag ? consumer.lag->oldest_time : std::nullopt;
  record row{{"consumer", consumer.position_stream}, {"category", consumer.category}};
  if (json) {
    row.push_back({"group_member", group ? value{group->member} : value{}});
    row.push_back({"group_size", group ? value{group->size} : value{}});
  } else {
    row.push_back(
        {"group", group ? value{std::to_string(group->member) + "/" + std::to_string(group->size)} : value{}});
  }
  row.push_back({"position", consumer.recorded ? value{consumer.recorded->position} : value{}});
  row.push_back({"recorded_time", or_null(consumer.recorded_time)});
  row.push_back({"lag", consumer.lag ? value{consumer.lag->messages} : value{}});
  row.push_back({"oldest_unhandled_time", or_null(oldest)});
  row.push_back({"oldest_unhandled_age", oldest ? value{age{now - *oldest}} : value{}});
  row.push_back({"note", consumer.note.empty() ? value{} : value{consumer.note}});
  return row;
}

void run(const common_options& options, const std::optional<std::string>& category) {
  if (category) require_category("CATEGORY", *category);
  auto session = options.session();
  std::vector<std::string> position_categories;
  if (category) {
    position_categories.push_back(position_store::stream_name(*category));
  } else {
    for (auto& found : categories(session)) {
      if (has_type(found, position_type)) position_categories.push_back(std::move(found));
    }
  }
  std::vector<consumer_state> consumers;
  for (const auto& position_category : position_categories) {
    for (const auto& stream : stream_names(session, position_category)) consumers.push_back(look_at(session, stream));
  }
  // After the lags: no message counted is younger than this.
  const auto now = session.transaction(
      [](store::transaction& t) { return parse_iso8601_instant(t.query(server_time_sql).at(0).at(0).value()); });
  auto out = options.output();
  for (const auto& consumer : consumers) out.add(consumer_record(consumer, now, options.json));
  out.finish(category ? "No consumer of " + *category + " has recorded a position"
                      : "No consumer has recorded a position");
}

}  // namespace

void add_consumers(CLI::App& app) {
  auto [command, options] = add_command(app, "consumers",
                                        "Every consumer (found by its position stream) with its position, lag and the "
                                        "age of its oldest unhandled message");
  auto category = std::make_shared<std::optional<std::string>>();
  command->add_option("CATEGORY", *category, "only the consumers of this category (account, account:command)");
  command->callback([options, category] { run(*options, *category); });
}

}  // namespace evt::cli
