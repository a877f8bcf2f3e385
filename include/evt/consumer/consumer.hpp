#pragma once

#include <evt/consumer/position_family.hpp>
#include <evt/consumer/position_store.hpp>
#include <evt/dead_letter/dead_letter.hpp>
#include <evt/handler/handler.hpp>
#include <evt/store/get.hpp>
#include <evt/store/session.hpp>
#include <evt/telemetry/counter.hpp>
#include <evt/telemetry/progress.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace evt {

// Reads a category and hands each message to its handlers, in the order
// they were added (SPEC 5). It starts at the position recorded in its
// position stream (so the last recorded message is handled again: delivery
// is at least once), records its position every position_update_interval
// messages, once it has been idle for position_idle_delay (a read found
// nothing, and nothing came meanwhile) and when it stops, and polls every
// poll_interval once caught up.
//
// Where it starts (evt::position_family): in a consumer group whose size
// changed since its family of position streams last recorded (or a
// consumer alone that was a group, or the other way round), where no
// message of its new share can have been missed, said in its log. A
// position past the category's last message (written by hand, or left
// from a history the store no longer has) is not trusted beyond it.
//
// When a handler fails, what the error says decides (evt::error_kind):
// - transient (the store cannot be reached: a lost connection, the server
//   shutting down): the batch is given up and, once the store answers
//   again (waiting transient_retry_delay, doubling to 30 s, for as long as
//   it takes), the consumer resumes from the position recorded in the store
//   then, not from where it had read: what it handled since may be gone
//   (unflushed commits lost in a crash, a failover to a standby that was
//   behind), and so may what it read. Its handlers' caches are dropped
//   (handler::forget_everything). If the last message it read is no longer
//   there (history went backwards: Kafka's log truncation, KIP-320) it
//   logs an error naming both positions. Handled again, those messages take
//   effect once: handlers are idempotent (the reservation).
// - conflict (an expected-version error, a serialisation failure, a race on
//   a unique key, a lock or statement timeout): the handlers are told to
//   forget the stream concerned (or everything), and the message is handled
//   again with fresh state, at most conflict_retries times (waiting
//   transient_retry_delay, doubling); then it is parked with the reason. A
//   conflict that never resolves (a handler's bug, a stale cache) is never
//   retried for ever.
// - poison (the message cannot be handled because of what it holds: it
//   cannot be decoded, its reservation key is refused, the database refuses
//   it, a domain check refuses it): the message is parked
//   (evt::dead_letter: copied with the error to
//   "<category>:deadLetter-<id>"), logged, and passed.
// - anything else (a bug): today's policy, Eventide's: after any
//   handler_retries, error_raised decides, and by default the error
//   propagates out of run(), which stops the consumer without recording the
//   failed message's position. An application may opt in to parking these
//   too (parking::all).
// A dead letter and the position past its message commit in one
// transaction, with or without workers, so a parked message is never
// delivered again; its id is derived from the consumer and the message
// (dead_letter::letter_id), so one delivered again anyway (its group
// changed size) is parked once.
//
// Concurrency (settings::concurrency, N > 1): the consumer still reads the
// category alone, a batch at a time, but hands each batch to N workers,
// each with a session of its own (made with the consumer's session's
// settings) and handlers of its own (add_handler(handler, worker)). A
// message goes to the worker its stream's cardinal id hashes to, so each
// stream's messages (a command stream and its reservation streams too) are
// handled by one worker, in order; different streams are handled at once,
// and their commits overlap (the server flushes them together). The batch
// is done when every worker is; then the position is recorded as before
// (at most once a batch), with the dead letters of the messages the workers
// parked, in one transaction: a stop or a failure in the middle of a batch
// records nothing of it, so its messages are delivered again. The log sink
// and error_raised are called from the workers' threads too.
//
// Commits (settings::commits): per_write, each handler's write commits as
// it is made (Eventide's way), and the position now and then. per_batch,
// the messages of a batch are handled in one transaction on the handlers'
// session (at most transaction_messages, and none started after
// transaction_time), and the position past them is written in it: one
// commit for all, after which a restart resumes at its last message, and
// all delivered again with none of its effects when a crash comes before.
// The transaction is kept to one category while the handlers run
// (store::transaction::keep_to_one_category): a message whose first write
// goes to another category ends it and begins the next, so that no two
// batches wait for each other's category locks (a deadlock).
// Entity reads inside it see its own earlier writes; a rollback makes the
// handlers forget everything they cached meanwhile. A handler's error (or
// a statement that failed under it, caught or not) rolls the transaction
// back; the messages before the failing one are handled again in a
// transaction of their own, and the failing one alone, by per_write's
// rules (so a conflict is retried with fresh state, poison is parked). A
// handler's normal outcomes must not fail a statement: the reservation
// looks for its stream before writing inside a transaction. A failed
// commit, or a handler that caught a lost connection, forgets the caches
// too: a conflict at the commit hands the first message to per_write's
// rules, a lost connection gives the batch up. Every write to a category
// takes Message DB's lock on it until the commit: other writers to it
// wait for the commit (about transaction_time and a commit). With workers, each worker's share
// commits on its own session, in transactions as above, and the position
// past the batch (with its dead letters) once every share has: a crash
// between them delivers the committed shares again (the reservation
// catches them).
class consumer {
 public:
  // How what its handlers write commits (see above).
  enum class commits {
    per_write,  // each write as it is made, the position now and then
    per_batch,  // a batch's writes and the position past it, in one transaction
  };
  enum class parking {
    none,    // every error goes to error_raised (Eventide's policy)
    poison,  // poison messages are parked (the default)
    all,     // handler errors too, once handler_retries are used up
  };

  // What it did, for tests and metrics (read from any thread): where it
  // got (telemetry::progress: the last message handled or parked) and how
  // many messages it handled and parked, and how often a handler failed.
  struct counts : telemetry::progress {
    telemetry::counter handled;
    telemetry::counter parked;
    // Errors raised by its handlers: every failed attempt, whatever came
    // of it (retried, parked, skipped, or stopping the consumer).
    telemetry::counter errors;
    // Times it resumed from the store's recorded position after a lost
    // connection, and times it found the store's history behind what it read.
    telemetry::counter resumptions;
    telemetry::counter history_rewinds;
    // per_batch: batch transactions rolled back (a handler's error or a
    // failed statement, a failed commit, a lost connection), their messages
    // handled again (a handler's error is counted in `errors` where its
    // message is then handled alone).
    telemetry::counter rollbacks;
  };

  struct settings {
    std::string category;
    // Names its position stream when alone: "<category>:position-<identifier>"
    // (none: Eventide's "<category>:position").
    std::optional<std::string> identifier = std::nullopt;
    // Names the position streams of its group members, each its own:
    // "<category>:position-<group_identifier>+<member>" (none: the
    // identifier; a consumer in a group needs one or the other). Given
    // while it runs alone too, a group started later finds its positions,
    // and it finds the group's (evt::position_family).
    std::optional<std::string> group_identifier = std::nullopt;
    std::int64_t batch_size = 1000;
    std::chrono::milliseconds poll_interval{100};
    std::int64_t position_update_interval = 100;
    // ... but no more often than this: an update due sooner after the last
    // one waits for the first message handled once the gap has passed, or
    // for the consumer to catch up or stop. A handler that takes more than
    // 0.1 ms a message (any handler that writes) sees Eventide's cadence
    // exactly at the defaults; a fast one is not slowed down by position
    // writes. Zero: always at the interval.
    std::chrono::milliseconds position_update_gap{10};
    // Caught up, with handled messages whose position is not recorded yet:
    // it is recorded once nothing has come for this long (at most the poll
    // interval), so that the position stream of a quiet consumer says how
    // far it came. Shorter than the time between messages, it writes a
    // position per message.
    std::chrono::milliseconds position_idle_delay{100};
    std::optional<std::string> correlation = std::nullopt;
    std::optional<store::consumer_group> consumer_group = std::nullopt;
    std::optional<std::string> condition = std::nullopt;
    // After a lost connection, waiting for the store this long at first and
    // twice as long each time after (at most 30 s), each wait logged; and
    // before handling a message again after a conflict, as long at first,
    // doubling. Zero: a lost connection or a conflict is a handler error
    // like any other (handler_retries, error_raised, parking::all).
    std::chrono::milliseconds transient_retry_delay{100};
    // How many times a message is handled again after a conflict, with
    // fresh state, before it is parked.
    int conflict_retries = 5;
    // What is parked rather than stopping the consumer.
    consumer::parking parking = consumer::parking::poison;
    // Once caught up, also wake up as soon as a write to the category is
    // announced by the optional notify part of the schema
    // (message_db/notify: LISTEN/NOTIFY on channel "message_store") instead
    // of only at the next poll. Without that part it simply polls.
    bool wake_on_notify = false;
    // Given a sink, one line per handled message (quiet without one):
    // "Handled Deposit (Stream: ..., Position: 0, Global Position: 7, Handlers: Commands)".
    std::function<void(const std::string&)> log = nullptr;
    // A handler's error is always logged, to `log` or else to stderr:
    // "Error raised (Error Class: ..., Error Message: ..., Type: ..., Stream
    // Name: ..., Position: ..., GlobalPosition: ...)". Then this is called
    // with it; the default (none) rethrows, which stops the consumer without
    // recording the message's position. One that returns instead skips the
    // message and carries on: skipping is only ever the application's choice.
    std::function<void(std::exception_ptr, const store::message_data&)> error_raised = nullptr;
    // Opt-in: a handler error (not a transient one, nor poison) is first
    // retried this many times with the same message, after
    // handler_retry_delay, doubling each time (at most 30 s); each attempt
    // is logged. Only when the retries are used up does error_raised (or
    // parking::all) decide. Lost connections and conflicts count as handler
    // errors here only when transient_retry_delay is zero. The handlers
    // run again from the first: they must be idempotent, as at-least-once
    // delivery already requires.
    int handler_retries = 0;
    std::chrono::milliseconds handler_retry_delay{100};
    // per_batch: every handler's writes for a batch of messages, and the
    // position past them, in one transaction on the handlers' session
    // (see above).
    consumer::commits commits = consumer::commits::per_write;
    // per_batch: a transaction takes at most this many messages, and no
    // more once this long has passed since it began (so a quiet system
    // keeps its latency, and other writers to the categories it writes,
    // which wait for its commit, do not wait long).
    std::int64_t transaction_messages = 100;
    std::chrono::milliseconds transaction_time{50};
    // Workers handling the streams of a batch at once (see above); 1: the
    // consumer's own thread and session handle every message.
    int concurrency = 1;
    // Given, the messages it does not accept pass it by, as if handled by
    // no handler (not counted, not logged): for consumers that share a
    // category by kind of message, each with a position of its own.
    std::function<bool(const store::message_data&)> accepts = nullptr;
    // Given, the position it records is never past what this says (nothing:
    // it records nothing yet). For a consumer whose position stream another
    // reader of the category resumes from: the account component's
    // reservations record no further than its reserved copies' consumer has
    // handled, so that Eventide's position stream, which a Ruby component
    // taking over reads, never skips a copy.
    std::function<std::optional<std::int64_t>()> record_at_most = nullptr;
    // When its own position streams have recorded nothing (its first
    // start): it starts where a consumer of this family would resume (the
    // account component's reserved copies start where its reservations'
    // position stream, Eventide's, says: after a Ruby component, or a
    // version with one consumer).
    std::optional<position_family> first_start_from = std::nullopt;
  };
  using handler = std::function<void(const store::message_data&)>;

  consumer(store::session& session, settings settings);

  // With concurrency, `worker` (0 to concurrency - 1) is the one whose
  // handler it is; each worker needs its own, as many as worker 0.
  consumer& add_handler(handler handler, std::size_t worker = 0);
  // A handler of the DSL: rows of types it does not handle pass it by
  // (unless it is strict). Its dependencies (evt::dependency) are built on
  // the session of this consumer (or of that worker) here:
  // handler.configure(session).
  consumer& add_handler(evt::handler& handler, std::size_t worker = 0);

  // Until stop() (from any thread): handles, records, polls.
  void run();
  // Handles everything there is now, records the position, and returns how
  // many messages it took (handled, or parked).
  std::int64_t run_until_caught_up();
  void stop() noexcept { stopping_ = true; }

  const std::string& position_stream_name() const noexcept { return positions_.stream_name(); }
  // The position it last recorded, or resumed from (from any thread);
  // nothing before it started.
  std::optional<std::int64_t> recorded_position() const noexcept {
    const auto position = recorded_position_.load();
    if (position < 0) return std::nullopt;
    return position;
  }
  // Where it parks messages: "<category>:deadLetter" (evt::dead_letter).
  const std::string& dead_letter_category() const noexcept { return dead_letter_category_; }
  const counts& telemetry() const noexcept { return counts_; }
  const std::string& category() const noexcept { return settings_.category; }
  const std::optional<store::consumer_group>& consumer_group() const noexcept { return settings_.consumer_group; }
  std::chrono::milliseconds poll_interval() const noexcept { return settings_.poll_interval; }
  int concurrency() const noexcept { return static_cast<int>(workers_.size()); }

 private:
  // What handles messages: the consumer itself, or each of its workers.
  struct worker {
    store::session* session;
    std::unique_ptr<store::session> own_session;  // a worker's (with concurrency)
    std::vector<handler> handlers;
    std::vector<evt::handler*> handler_objects;  // those of the DSL: told when their caches are stale
    telemetry::counter errors;  // with concurrency: counted by the worker, added up after its batch
    telemetry::counter rollbacks;  // the same
  };
  enum class dispatched { handled, parked, passed, stopped };
  // What became of a message, and why it was parked.
  struct outcome {
    dispatched what = dispatched::stopped;
    std::optional<dead_letter::reason> reason = std::nullopt;
  };
  worker& worker_at(std::size_t index);
  // Every worker has as many handlers as the first (an error otherwise).
  void check_workers() const;
  store::category_batch batch_from(std::int64_t position) const;
  bool accepted(const store::message_data& message) const;
  // Where to read from, at start and after a lost connection (see above);
  // false when the store could not be reached (waited for) or it stopped.
  bool resume();
  // One batch from the current position; returns how many were handled.
  std::int64_t handle_batch();
  // Without workers: `handled` counts them as they are taken (a lost
  // connection may end the batch part-way).
  void read_batch_alone(std::int64_t& handled);
  std::int64_t handle_batch_concurrently();
  // The sum of its sessions' connection generations: changed, a connection
  // was replaced since it last resumed.
  std::uint64_t generations() const noexcept;
  // Each read starts at the last message read, when that is the last one
  // taken, and the store must still have it there first: a server that
  // went back in history under a connection that survived (a failover
  // behind a transaction pooler) is found at the next read. Otherwise it
  // reads from the position.
  bool verifying() const noexcept;
  store::category_batch next_batch() const;
  bool is_last_read(const store::message_data& message) const;
  // Says so (the last message read, and what is there now, if anything).
  void history_went_backwards(const std::optional<store::message_data>& found);
  // Without workers, a message handled by per_write's rules: its dead
  // letter (with the position past it) and its progress; false: stopped.
  bool take(const store::message_data& message, const outcome& outcome);
  // The next batch, once what it read last is verified (nothing when it
  // was not: resuming_ is set).
  std::vector<store::message_data> read_batch();
  // Messages it does not accept are passed from the start.
  std::vector<outcome> outcomes_of(const std::vector<store::message_data>& batch) const;
  std::int64_t handle_batch_in_transactions();
  // What the caller of handle_in_transactions adds: before a transaction
  // commits (given the index of its last message; what it recorded), and
  // once messages share[from, to) were taken (committed together, with
  // what before_commit recorded, or one handled alone: nothing).
  struct transaction_steps {
    std::function<std::optional<std::int64_t>(store::transaction&, std::size_t last)> before_commit;
    std::function<void(std::size_t from, std::size_t to, std::optional<std::int64_t> recorded)> taken;
  };
  // per_batch: the share's messages in transactions of at most
  // transaction_messages and transaction_time. A handler's error (or a
  // statement that failed under it) rolls the transaction back: its
  // handlers forget everything, the messages before the failing one are
  // handled again in a transaction of their own, and the failing one alone
  // by per_write's rules (retried, parked, error_raised). A transient error
  // propagates (the batch is given up).
  void handle_in_transactions(worker& worker, const std::vector<store::message_data>& batch,
                              const std::vector<std::size_t>& share, std::vector<outcome>& outcomes,
                              const std::atomic<bool>& given_up, telemetry::counter& errors,
                              telemetry::counter& rollbacks, const transaction_steps& steps);
  // Messages share[from, to) were not taken after all: those handled go back to stopped.
  static void reset_outcomes(const std::vector<std::size_t>& share, std::size_t from, std::size_t to,
                             std::vector<outcome>& outcomes);
  // The worker's share of a batch, in order, until a stop or `given_up`.
  void handle_share(worker& worker, const std::vector<store::message_data>& batch,
                    const std::vector<std::size_t>& share, std::vector<outcome>& outcomes,
                    const std::atomic<bool>& given_up);
  // The position to record: the last handled message's, or just past a
  // parked one, but no further than record_at_most; nothing when none is.
  std::optional<std::int64_t> position_to_record() const;
  // No further than record_at_most.
  std::optional<std::int64_t> capped(std::optional<std::int64_t> position) const;
  void record_position();
  // The message handled by that worker (its handlers, in order), and what
  // became of it; a transient error propagates (the batch is given up).
  outcome dispatch(worker& worker, const store::message_data& message, telemetry::counter& errors);
  // What the consumer's own thread does once a message was handled: its
  // progress, counts, log line, and the position when it is due (and may be).
  void took(const store::message_data& message, dispatched outcome, bool may_record = true);
  // Without workers: the message's dead letter and the position past it, in
  // one transaction (the position alone when it was parked before).
  void park(const store::message_data& message, const dead_letter::reason& reason);
  // With workers: the batch's dead letters and the position past them.
  void park_with_position(const std::vector<std::pair<const store::message_data*, dead_letter::reason>>& letters);
  void logged_parked(const store::message_data& message, const dead_letter::reason& reason, bool before);
  // Called inside a catch block of a transient error: the batch is given up,
  // and the consumer resumes from the store once it answers.
  void lost();
  // Called inside a catch block of a conflict: the worker's handlers forget
  // what they hold of the stream concerned (or everything).
  void forget_conflicted(worker& worker);
  void forget_everything();
  // Logs the handler error being handled, then error_raised or rethrow.
  void report_error(const store::message_data& message);
  // Sleeps, in slices to notice a stop; false when stopped.
  bool pause(std::chrono::milliseconds delay) const;
  // To the log sink, or else stderr.
  void log(const std::string& line) const;
  // Caught up: until `duration` passes, a stop, or (with wake_on_notify) a
  // write to the category is announced (then true).
  bool wait_for_messages(std::chrono::milliseconds duration);
  bool gap_passed() const;

  store::session* session_;
  settings settings_;
  position_family family_;
  position_store positions_;
  std::vector<worker> workers_;
  std::string handler_names_;
  std::string dead_letter_category_;
  std::string parker_;  // the name its dead letters' ids are derived from: the same in any group
  store::message_data current_;  // refilled row by row: no allocation per message
  std::int64_t position_ = 1;    // the next global position to read
  // The position to record: the last handled message's, or just past a parked one.
  std::optional<std::int64_t> record_at_;
  std::optional<std::int64_t> last_recorded_;
  std::atomic<std::int64_t> recorded_position_{-1};  // last_recorded_, for other threads; -1: none
  // The last message read (its global position and id), to tell whether
  // the store still has it.
  std::optional<std::pair<std::int64_t, std::string>> last_read_;
  std::uint64_t generations_seen_ = 0;
  counts counts_{};
  std::int64_t handled_since_record_ = 0;
  std::optional<std::chrono::steady_clock::time_point> last_record_time_;  // none yet
  bool record_due_ = false;  // the interval is reached: once the gap has passed
  bool started_ = false;
  bool resuming_ = false;  // a connection was lost: resume from the store before the next read
  std::chrono::milliseconds lost_delay_{0};  // the wait before the next attempt to resume
  std::atomic<bool> stopping_{false};
};

}  // namespace evt
