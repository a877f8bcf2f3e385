#include "component/component.hpp"

#include <evt/stream_name.hpp>

namespace account_component {
namespace {

// Position streams: alone, Eventide's (account:command+position, read by a
// Ruby component too) and ...-reservedCopies; as group member M,
// ...-accountComponent+M and ...-accountComponentReservedCopies+M.
constexpr const char* reservations_group = "accountComponent";

// Commands take effect in their reservation streams (account:command-
// <account>+<key>: reserved copies, commands written straight into them,
// replays), all of them handled by the copies' consumer, so an account's
// effects come in the order of the messages that caused them (its sequence
// check depends on it); the account's own command streams go to the
// reservations' consumer. By the stream, not by the marker: a marker is
// anyone's to write.
bool in_reservation_stream(const evt::store::message_data& message) { return evt::ids(message.stream_name).size() > 1; }

evt::consumer::settings consumer_settings(const component::settings& settings, bool copies) {
  return {.category = command_category,
          .identifier = copies ? std::optional<std::string>{"reservedCopies"} : std::nullopt,
          .group_identifier = copies ? "accountComponentReservedCopies" : reservations_group,
          .batch_size = settings.batch_size,
          .poll_interval = settings.poll_interval,
          .consumer_group = settings.consumer_group,
          // A restarted database is waited for, not fatal.
          .transient_retry_delay = std::chrono::milliseconds{100},
          .parking = evt::consumer::parking::poison,
          .wake_on_notify = settings.wake_on_notify,
          .log = settings.log,
          .commits = settings.commits,
          .transaction_messages = settings.transaction_messages,
          .transaction_time = settings.transaction_time,
          .concurrency = settings.concurrency,
          .accepts = [copies](const evt::store::message_data& message) {
            return in_reservation_stream(message) == copies;
          },
          .record_at_most = nullptr,
          // The reserved copies' first start (after a Ruby component, or a
          // version with one consumer): where the reservations resume.
          .first_start_from = copies ? std::optional{evt::position_family{command_category, std::nullopt, reservations_group}}
                                     : std::nullopt};
}

}  // namespace

component::component(evt::store::session& session, const settings& settings)
    // The copies' consumer reads on a session of its own: each runs in its own thread.
    : copies_session_{std::make_unique<evt::store::session>(session.settings())},
      reservations_{session, reservations_settings(settings)},
      reserved_copies_{*copies_session_, consumer_settings(settings, true)} {
  add_handlers(reservations_, settings);
  add_handlers(reserved_copies_, settings);
}

evt::consumer::settings component::reservations_settings(const settings& settings) {
  auto reservations = consumer_settings(settings, false);
  // Its position stream is Eventide's, which a Ruby component taking over
  // reads alone: it never says more than the reserved copies' consumer has
  // handled, so that no copy is skipped.
  reservations.record_at_most = [this] { return reserved_copies_.recorded_position(); };
  return reservations;
}

void component::add_handlers(evt::consumer& consumer, const settings& settings) {
  for (int worker = 0; worker < consumer.concurrency(); ++worker) {
    auto& commands = *commands_.emplace_back(std::make_unique<handlers::Commands>());
    consumer.add_handler(commands, static_cast<std::size_t>(worker));  // configures it with the worker's session
    if (settings.log) commands.set_log(settings.log);
  }
}

std::int64_t component::run_until_caught_up() {
  std::int64_t total = 0;
  for (;;) {
    const auto taken = reservations_.run_until_caught_up() + reserved_copies_.run_until_caught_up();
    if (taken == 0) return total;
    total += taken;
  }
}

}  // namespace account_component
