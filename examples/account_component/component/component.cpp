#include "component/component.hpp"

namespace account_component {
namespace {

evt::consumer::settings consumer_settings(const component::settings& settings) {
  return {.category = command_category,
          .identifier = settings.consumer_group ? std::optional<std::string>{"accountComponent"} : std::nullopt,
          .batch_size = settings.batch_size,
          .poll_interval = settings.poll_interval,
          .consumer_group = settings.consumer_group,
          // A restarted database is waited for, not fatal.
          .transient_retry_delay = std::chrono::milliseconds{100},
          .parking = evt::consumer::parking::poison,
          .wake_on_notify = settings.wake_on_notify,
          .log = settings.log};
}

}  // namespace

component::component(evt::store::session& session, const settings& settings)
    : consumer_{session, consumer_settings(settings)} {
  consumer_.add_handler(commands_);  // configures it with the session
  if (settings.log) commands_.set_log(settings.log);
}

}  // namespace account_component
