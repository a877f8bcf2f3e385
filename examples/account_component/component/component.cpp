#include "component/component.hpp"

#include <evt/reservation/reservation.hpp>

namespace account_component {
namespace {

evt::consumer::settings consumer_settings(const component::settings& settings, bool copies) {
  std::optional<std::string> identifier;
  if (settings.consumer_group) {
    identifier = copies ? "accountComponentReservedCopies" : "accountComponent";
  } else if (copies) {
    identifier = "reservedCopies";
  }
  return {.category = command_category,
          .identifier = identifier,
          .batch_size = settings.batch_size,
          .poll_interval = settings.poll_interval,
          .consumer_group = settings.consumer_group,
          // A restarted database is waited for, not fatal.
          .transient_retry_delay = std::chrono::milliseconds{100},
          .parking = evt::consumer::parking::poison,
          .wake_on_notify = settings.wake_on_notify,
          .log = settings.log,
          .concurrency = settings.concurrency,
          .accepts = [copies](const evt::store::message_data& message) {
            return evt::reservation::marked(message) == copies;
          }};
}

}  // namespace

component::component(evt::store::session& session, const settings& settings)
    // The copies' consumer reads on a session of its own: each runs in its own thread.
    : copies_session_{std::make_unique<evt::store::session>(session.settings())},
      reservations_{session, consumer_settings(settings, false)},
      reserved_copies_{*copies_session_, consumer_settings(settings, true)} {
  add_handlers(reservations_, settings);
  add_handlers(reserved_copies_, settings);
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
