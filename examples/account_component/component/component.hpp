#pragma once

#include "component/handlers/commands.hpp"

#include <evt/consumer/consumer.hpp>
#include <evt/store/session.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace account_component {

// The account component (SPEC 7.6, reservation variant: no
// accountTransaction category): the Commands handler on account:command,
// run by two consumers of it, each with a position stream of its own:
// - reservations: the commands of the accounts' own command streams,
//   account:command-<account> (Open and Close take effect here; Deposit and
//   Withdraw are reserved: their copies written), with Eventide's position
//   stream account:command+position (as a group member,
//   account:command+position-accountComponent+<member>);
// - reserved copies: the messages of streams with compound ids, where
//   deposits and withdrawals take effect (reservation streams,
//   account:command-<account>+<key>: the copies coming back, replays), with
//   account:command+position-reservedCopies
//   (account:command+position-accountComponentReservedCopies+<member>).
//   All effects in one consumer: an account's come in the order of the
//   messages that caused them, as its sequence check needs. By the stream,
//   not by the reservation's marker, which anyone can write.
// Each passes the other's messages by, and the reservations' position never
// says more than the copies' consumer has handled: a Ruby component
// reading Eventide's position stream alone skips no copy. The copies'
// consumer, the first time it starts, starts where the reservations resume.
// A change of group size (or from alone to a group and back) starts each
// consumer where nothing of its new share was missed (evt::position_family).
// So reserving new commands and
// applying reserved ones go on at once: each write holds its category's
// lock (Message DB's, for the category's order) until it commits, and the
// copies (account:command) and the events (account) are in two categories.
// Either consumer runs the whole handler: which one a message goes to
// decides only when it is handled, never what it does.
//
// With concurrency N > 1 each consumer hands each batch to N workers, each
// with its own session and Commands handler: an account's commands (and
// their reserved copies, which keep its id as their cardinal id) all go to
// one worker, in order; different accounts are handled at once (README,
// Concurrency).
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
    int concurrency = 1;  // workers of each consumer (evt::consumer::settings::concurrency)
    // Each consumer's batch of effects and its position in one transaction
    // (evt::consumer::commits; README, Commits).
    evt::consumer::commits commits = evt::consumer::commits::per_batch;
    std::int64_t transaction_messages = evt::consumer::settings{}.transaction_messages;
    std::chrono::milliseconds transaction_time = evt::consumer::settings{}.transaction_time;
  };

  component(evt::store::session& session, const settings& settings);

  evt::consumer& reservations() noexcept { return reservations_; }
  evt::consumer& reserved_copies() noexcept { return reserved_copies_; }
  // Both consumers, in turn, until neither finds anything to handle;
  // returns how many messages they took.
  std::int64_t run_until_caught_up();
  // Each worker's handler, of both consumers.
  const std::vector<std::unique_ptr<handlers::Commands>>& commands() const noexcept { return commands_; }

 private:
  evt::consumer::settings reservations_settings(const settings& settings);
  void add_handlers(evt::consumer& consumer, const settings& settings);

  std::vector<std::unique_ptr<handlers::Commands>> commands_;
  std::unique_ptr<evt::store::session> copies_session_;
  evt::consumer reservations_;
  evt::consumer reserved_copies_;
};

}  // namespace account_component
