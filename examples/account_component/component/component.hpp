#pragma once

#include "component/handlers/commands.hpp"

#include <evt/consumer/consumer.hpp>
#include <evt/store/session.hpp>

#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <optional>
#include <string>

namespace account_component {

// The account component: one consumer of account:command with the Commands
// handler (SPEC 7.6, reservation variant: no accountTransaction category).
// As a consumer group member its position stream is
// account:command+position-accountComponent+<member>, else Eventide's
// account:command+position.
//
// Bad commands are skipped, not fatal: a command that cannot be decoded or
// reserved (malformed data, missing or blank id) is logged as the consumer
// logs errors ("Error raised (...)", with its stream and position) and left
// in the store. Any other error stops the component (a malformed event in an
// account stream, a reserved copy that cannot be decoded, ...); a lost
// connection is waited for and the message handled again.
// The component's error policy (consumer::settings::error_raised): a
// command that cannot be decoded, or not reserved (its key is missing or
// unusable), can never be handled, so it is skipped (the consumer has
// logged it; it stays in the store). Anything else is rethrown: a malformed
// event in an account stream (a decode error elsewhere), and a reserved
// copy that cannot be decoded (its reservation exists: skipping it would
// lose the command for good).
void skip_bad_commands(std::exception_ptr error, const evt::store::message_data& message);

class component {
 public:
  struct settings {
    std::optional<evt::store::consumer_group> consumer_group = std::nullopt;
    std::int64_t batch_size = 1000;
    std::chrono::milliseconds poll_interval{100};
    bool wake_on_notify = true;  // polling only, without message_db/notify
    std::function<void(const std::string&)> log = nullptr;
  };

  component(evt::store::session& session, const settings& settings);

  evt::consumer& consumer() noexcept { return consumer_; }
  handlers::Commands& commands() noexcept { return commands_; }

 private:
  handlers::Commands commands_;
  evt::consumer consumer_;
};

}  // namespace account_component
