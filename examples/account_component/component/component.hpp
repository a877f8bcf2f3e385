#pragma once

#include "component/handlers/commands.hpp"

#include <evt/consumer/consumer.hpp>
#include <evt/store/session.hpp>

#include <chrono>
#include <cstdint>
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
// Bad messages are parked, not fatal (evt::consumer's policy): a command
// that cannot be decoded, reserved or accepted, and a command whose account
// cannot be read (an event in its stream that cannot be decoded), is copied
// with the error to account:command+deadLetter-<id>, logged, and passed;
// every other account goes on. A lost connection, a serialisation failure
// or an expected-version race is waited for and the command handled again.
// Anything else (a bug) stops the component.
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
