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
// Bad commands are skipped, not fatal: a command that cannot be decoded or
// reserved (malformed data, missing or blank id) is logged as the consumer
// logs errors ("Error raised (...)", with its stream and position) and left
// in the store. Any other error stops the component (a malformed event in an
// account stream, a reserved copy that cannot be decoded, ...); a lost
// connection is waited for and the message handled again.
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
