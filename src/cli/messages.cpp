// evt messages STREAM|CATEGORY: what Message DB's print-messages.sh shows,
// for one stream or a whole category, through the store's get functions.
#include "cli/arguments.hpp"
#include "cli/command.hpp"
#include "cli/message_record.hpp"

#include <evt/store/read.hpp>
#include <evt/stream_name.hpp>

#include <optional>

namespace evt::cli {
namespace {

struct arguments {
  std::string name;
  std::optional<std::int64_t> from;
  std::optional<std::int64_t> limit;
  std::optional<std::string> type;
  std::optional<std::string> correlation;
};

// Batch after batch from `batch.position`, until the end or the limit;
// `position_of` says where the next batch starts after a message.
template <class Batch, class Read, class PositionOf>
void print_batches(Batch batch, Read read, PositionOf position_of, const arguments& arguments, output& out) {
  std::int64_t printed = 0;
  const auto more = [&] { return !arguments.limit || printed < *arguments.limit; };
  store::message_data message;
  while (more()) {
    std::int64_t last = 0;
    const auto read_count = read(batch, message, [&](const store::message_data& row) {
      last = position_of(row);
      if (!arguments.type || row.type == *arguments.type) {
        out.add(message_record(row));
        ++printed;
      }
      return more();
    });
    if (read_count < batch.batch_size) break;
    batch.position = last + 1;
  }
}

void run(const common_options& options, const arguments& arguments) {
  if (arguments.name.empty()) throw usage_error{"STREAM|CATEGORY must not be empty"};
  const bool category = is_category(arguments.name);
  if (arguments.correlation) {
    if (!category) {
      throw usage_error{"--correlation filters a category, not a stream (Stream Name: " + arguments.name + ")"};
    }
    require_category("--correlation", *arguments.correlation);
  }
  auto session = options.session();
  auto out = options.output();
  if (category) {
    print_batches(
        store::category_batch{.position = arguments.from.value_or(1), .correlation = arguments.correlation},
        [&](const store::category_batch& batch, store::message_data& message, const store::each_message_while& each) {
          return store::read_category_batch(session, arguments.name, batch, message, each);
        },
        [](const store::message_data& message) { return message.global_position; }, arguments, out);
  } else {
    print_batches(
        store::stream_batch{.position = arguments.from.value_or(0)},
        [&](const store::stream_batch& batch, store::message_data& message, const store::each_message_while& each) {
          return store::read_stream_batch(session, arguments.name, batch, message, each);
        },
        [](const store::message_data& message) { return message.position; }, arguments, out);
  }
  out.finish("No messages in " + arguments.name);
}

}  // namespace

void add_messages(CLI::App& app) {
  auto [command, options] =
      add_command(app, "messages", "The messages of a stream (category-id) or of a category, oldest first");
  auto given = std::make_shared<arguments>();
  command->add_option("STREAM|CATEGORY", given->name, "a stream name (account-123) or a category (account)")
      ->required();
  command
      ->add_option("--from", given->from,
                   "from this position: the stream's (default 0) or, for a category, the global one (default 1)")
      ->check(CLI::NonNegativeNumber);
  command->add_option("--limit", given->limit, "at most this many messages")->check(CLI::NonNegativeNumber);
  command->add_option("--type", given->type, "only messages of this type");
  command->add_option("--correlation", given->correlation,
                      "a category only: messages whose metadata's correlation stream is of this category");
  command->callback([options, given] { run(*options, *given); });
}

}  // namespace evt::cli
