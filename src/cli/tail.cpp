// evt tail CATEGORY: new messages of a category as they are written, until
// SIGINT/SIGTERM (exit 0) or --limit. Woken by message_db/notify's
// announcements where that part is installed, polling otherwise.
#include "cli/arguments.hpp"
#include "cli/command.hpp"
#include "cli/message_record.hpp"

#include <evt/store/notifications.hpp>
#include <evt/store/read.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <iostream>
#include <optional>
#include <thread>

namespace evt::cli {
namespace {

constexpr const char* notify_installed_sql =
    "SELECT 1 FROM pg_catalog.pg_trigger WHERE tgname = 'notify_categories'"
    " AND tgrelid = 'message_store.messages'::regclass";
constexpr const char* category_end_sql =
    "SELECT coalesce(max(global_position), 0) FROM message_store.messages"
    " WHERE message_store.category(stream_name) = $1::varchar";

volatile std::sig_atomic_t stopping = 0;
extern "C" void stop(int) { stopping = 1; }

// How long a wait lasts at most, so that a signal is noticed soon after it comes.
constexpr std::chrono::milliseconds wait_slice{100};
constexpr std::int64_t batch_size = 1000;

struct arguments {
  std::string category;
  std::optional<std::int64_t> from;
  std::optional<std::int64_t> limit;
  std::int64_t poll_interval_ms = 100;
};

void run(const common_options& options, const arguments& arguments) {
  require_category("CATEGORY", arguments.category);
  struct sigaction action {};
  action.sa_handler = stop;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);

  auto session = options.session();
  // Through a transaction pooler nothing is listened to (the store polls).
  const bool notified =
      session.settings().pool_mode == store::pool_mode::session &&
      session.transaction([](store::transaction& t) { return !t.query(notify_installed_sql).empty(); });
  if (notified) store::listen(session, store::notify_channel);  // before the first read: nothing written after it is missed
  std::int64_t position = arguments.from.value_or(0);
  if (!arguments.from) {
    position = 1 + session.transaction([&](store::transaction& t) {
      return std::stoll(t.query(category_end_sql, {arguments.category}).at(0).at(0).value());
    });
  }
  // On standard error, so that --json's output stays JSON; a script may wait for it.
  std::cerr << "Following " << arguments.category << " from global position " << position << " ("
            << (notified ? "woken by message_db/notify"
                         : "polling every " + std::to_string(arguments.poll_interval_ms) + " ms")
            << "); Ctrl-C stops\n"
            << std::flush;

  auto out = options.output();
  std::int64_t printed = 0;
  const auto more = [&] { return stopping == 0 && (!arguments.limit || printed < *arguments.limit); };
  store::message_data message;
  while (more()) {
    if (notified) store::discard_notifications(session);  // this read sees what they announced
    const auto read =
        store::read_category_batch(session, arguments.category, {.position = position, .batch_size = batch_size},
                                   message, [&](const store::message_data& row) {
                                     out.stream(message_record(row));
                                     position = row.global_position + 1;
                                     ++printed;
                                     return more();
                                   });
    if (read == batch_size) continue;  // more to read at once
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds{arguments.poll_interval_ms};
    for (auto now = std::chrono::steady_clock::now(); more() && now < until; now = std::chrono::steady_clock::now()) {
      const auto slice = std::min(wait_slice, std::chrono::ceil<std::chrono::milliseconds>(until - now));
      if (notified) {
        if (store::await_notification(session, arguments.category, slice)) break;
      } else {
        std::this_thread::sleep_for(slice);
      }
    }
  }
}

}  // namespace

void add_tail(CLI::App& app) {
  auto [command, options] = add_command(app, "tail", "New messages of a category as they are written, until Ctrl-C");
  auto given = std::make_shared<arguments>();
  command->add_option("CATEGORY", given->category, "the category to follow (account, account:command)")->required();
  command->add_option("--from", given->from, "from this global position (default: after the category's last message)")
      ->check(CLI::NonNegativeNumber);
  command->add_option("--limit", given->limit, "stop after this many messages")->check(CLI::NonNegativeNumber);
  command
      ->add_option("--poll-interval-ms", given->poll_interval_ms,
                   "how often to look without message_db/notify (with it: a safety net), default 100")
      ->check(CLI::PositiveNumber);
  command->callback([options, given] { run(*options, *given); });
}

}  // namespace evt::cli
