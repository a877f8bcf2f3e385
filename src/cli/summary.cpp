// evt summary: what Message DB's print-stream-summary.sh,
// print-category-type-summary.sh and print-type-summary.sh show, with the
// first and last global positions and the last time, read from
// message_store.messages (the message_store role may select from it, in our
// schema and the official one).
#include "cli/arguments.hpp"
#include "cli/command.hpp"

#include <evt/store/session.hpp>

#include <array>
#include <iostream>
#include <optional>
#include <string>

namespace evt::cli {
namespace {

// One statement per grouping, each constant: the key is the first column.
// With a category given, only its messages (an index scan of
// messages_category); the share is of the messages counted.
#define EVT_SUMMARY_SQL(KEY)                                                        \
  "SELECT " KEY                                                                     \
  ", count(*), round(count(*) * 100.0 / sum(count(*)) OVER (), 2),"                 \
  " min(global_position), max(global_position),"                                    \
  " to_char(max(time), 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"                        \
  " FROM message_store.messages"                                                    \
  " WHERE $1::varchar IS NULL OR message_store.category(stream_name) = $1::varchar" \
  " GROUP BY 1 ORDER BY 1"

constexpr const char* by_stream_sql = EVT_SUMMARY_SQL("stream_name");
constexpr const char* by_category_sql = EVT_SUMMARY_SQL("message_store.category(stream_name)");
constexpr const char* by_type_sql = EVT_SUMMARY_SQL("type");
#undef EVT_SUMMARY_SQL

struct grouping {
  std::string_view name;  // --by, and the key's column
  const char* sql;
};
constexpr std::array groupings{grouping{"stream", by_stream_sql}, grouping{"category", by_category_sql},
                               grouping{"type", by_type_sql}};

struct arguments {
  std::string by = "category";
  std::optional<std::string> category;
};

std::int64_t whole(const std::optional<std::string>& text) { return std::stoll(text.value()); }

void run(const common_options& options, const arguments& arguments) {
  if (arguments.category) require_category("CATEGORY", *arguments.category);
  const auto* chosen = &groupings.front();
  for (const auto& grouping : groupings) {
    if (grouping.name == arguments.by) chosen = &grouping;
  }
  auto session = options.session();
  const auto rows =
      session.transaction([&](store::transaction& t) { return t.query(chosen->sql, {arguments.category}); });
  auto out = options.output();
  std::int64_t total = 0;
  for (const auto& row : rows) {
    total += whole(row[1]);
    out.add({{std::string{chosen->name}, row[0].value_or("")},
             {"messages", whole(row[1])},
             {"percent", decimal{row[2].value_or("0")}},
             {"first_global_position", whole(row[3])},
             {"last_global_position", whole(row[4])},
             {"last_time", row[5].value_or("")}});
  }
  out.finish(arguments.category ? "No messages in " + *arguments.category : "No messages");
  if (!options.json && total > 0) std::cout << "Total: " << total << " messages\n";
}

}  // namespace

void add_summary(CLI::App& app) {
  auto [command, options] =
      add_command(app, "summary", "How many messages there are, by stream, category or type, with their positions");
  auto given = std::make_shared<arguments>();
  command->add_option("--by", given->by, "group by stream, category (the default) or type")
      ->check(CLI::IsMember({"stream", "category", "type"}));
  command->add_option("CATEGORY", given->category, "only this category's messages");
  command->callback([options, given] { run(*options, *given); });
}

}  // namespace evt::cli
