#include "component/component.hpp"

#include <evt/error.hpp>
#include <evt/message/metadata_json.hpp>
#include <evt/reservation/reservation.hpp>

namespace account_component {
namespace {

}  // namespace

void skip_bad_commands(std::exception_ptr error, const evt::store::message_data& message) {
  try {
    std::rethrow_exception(error);
  } catch (const evt::reservation_error&) {
    // only originals are reserved: this one is refused for good
  } catch (const evt::decode_error& failure) {
    const bool this_command = failure.stream_name() == message.stream_name && failure.position() == message.position;
    if (!this_command || evt::reservation::is_reserved(evt::read_metadata(message))) throw;
  }
}

namespace {

evt::consumer::settings consumer_settings(const component::settings& settings) {
  return {.category = command_category,
          .identifier = settings.consumer_group ? std::optional<std::string>{"accountComponent"} : std::nullopt,
          .batch_size = settings.batch_size,
          .poll_interval = settings.poll_interval,
          .consumer_group = settings.consumer_group,
          // A restarted database is waited for, not fatal.
          .connection_retry_delay = std::chrono::milliseconds{100},
          .wake_on_notify = settings.wake_on_notify,
          .log = settings.log,
          .error_raised = skip_bad_commands};
}

}  // namespace

component::component(evt::store::session& session, const settings& settings)
    : commands_{session}, consumer_{session, consumer_settings(settings)} {
  if (settings.log) commands_.set_log(settings.log);
  consumer_.add_handler(commands_);
}

}  // namespace account_component
