#include <evt/consumer/consumer.hpp>

#include <evt/error.hpp>
#include <evt/error_kind.hpp>
#include <evt/log.hpp>
#include <evt/store/get.hpp>
#include <evt/store/lag.hpp>
#include <evt/store/notifications.hpp>
#include <evt/store/put.hpp>
#include <evt/store/read.hpp>
#include <evt/stream_name.hpp>

#include <algorithm>
#include <functional>
#include <thread>

namespace evt {
namespace {

position_family family_of(const consumer::settings& settings) {
  if (!is_category(settings.category)) {
    throw stream_name_error{"Consumer's stream name must be a category (Stream Name: " + settings.category + ")"};
  }
  const auto group_identifier = settings.group_identifier ? settings.group_identifier : settings.identifier;
  if (settings.consumer_group && !group_identifier) {
    throw consumer_group_error{"A consumer in a group needs an identifier (Category: " + settings.category + ")"};
  }
  // One position stream per member: members sharing one would skip each
  // other's messages (SPEC 12.6).
  return position_family{settings.category, settings.identifier, group_identifier};
}

// Its dead letters' ids are derived from this: the same alone and in any
// group, so a message parked before a change of group size is parked once.
std::string parker_of(const consumer::settings& settings) {
  return position_store::stream_name(settings.category,
                                     settings.group_identifier ? settings.group_identifier : settings.identifier);
}

std::chrono::milliseconds next_delay(std::chrono::milliseconds delay) {
  return std::min<std::chrono::milliseconds>(delay * 2, std::chrono::seconds{30});
}

void append_name(std::string& names, const std::string& name) {
  if (!names.empty()) names += ", ";
  names += name;
}

// Called inside a catch block: Eventide's words for the error in flight.
std::string error_raised_line(const store::message_data& message) {
  return "Error raised (Error Class: " + class_name_of_current_exception() +
         ", Error Message: " + message_of_current_exception() +
         ", Type: " + message.type + ", Stream Name: " + message.stream_name +
         ", Position: " + std::to_string(message.position) +
         ", GlobalPosition: " + std::to_string(message.global_position) + ")";
}

}  // namespace

consumer::consumer(store::session& session, settings settings)
    : session_{&session},
      settings_{std::move(settings)},
      family_{family_of(settings_)},
      positions_{session, family_.stream_name(settings_.consumer_group), settings_.consumer_group},
      dead_letter_category_{dead_letter::category_of(settings_.category)},
      parker_{parker_of(settings_)},
      lost_delay_{settings_.transient_retry_delay} {
  if (settings_.concurrency < 1) {
    throw error{"Concurrency must be at least 1 (Category: " + settings_.category + ")"};
  }
  if (settings_.transaction_messages < 1 || settings_.transaction_time.count() < 0) {
    throw error{"A transaction takes at least one message, in a time that is not negative (Category: " +
                settings_.category + ")"};
  }
  if (settings_.conflict_retries < 0) {
    throw error{"Conflict retries must not be negative (Category: " + settings_.category + ")"};
  }
  if (settings_.concurrency == 1) {
    workers_.push_back({.session = session_, .own_session = nullptr, .handlers = {}, .handler_objects = {}, .errors = {}, .rollbacks = {}});
    return;
  }
  for (int index = 0; index < settings_.concurrency; ++index) {
    auto own = std::make_unique<store::session>(session.settings());  // connects when first used
    auto* worker_session = own.get();
    workers_.push_back(
        {.session = worker_session, .own_session = std::move(own), .handlers = {}, .handler_objects = {}, .errors = {}, .rollbacks = {}});
  }
}

consumer::worker& consumer::worker_at(std::size_t index) {
  if (index >= workers_.size()) {
    throw error{"No worker " + std::to_string(index) + ": the consumer has " + std::to_string(workers_.size()) +
                " (Category: " + settings_.category + ")"};
  }
  return workers_[index];
}

void consumer::check_workers() const {
  for (std::size_t index = 1; index < workers_.size(); ++index) {
    if (workers_[index].handlers.size() != workers_.front().handlers.size()) {
      throw error{"Worker " + std::to_string(index) + " has " + std::to_string(workers_[index].handlers.size()) +
                  " handlers, worker 0 has " + std::to_string(workers_.front().handlers.size()) +
                  ": each worker needs handlers of its own, add_handler(handler, worker) (Category: " +
                  settings_.category + ")"};
    }
  }
}

consumer& consumer::add_handler(handler handler, std::size_t index) {
  auto& handlers = worker_at(index).handlers;
  handlers.push_back(std::move(handler));
  if (index == 0) append_name(handler_names_, "function " + std::to_string(handlers.size()));
  return *this;
}

consumer& consumer::add_handler(evt::handler& handler, std::size_t index) {
  auto& worker = worker_at(index);
  handler.configure(*worker.session);
  worker.handlers.push_back([&handler](const store::message_data& message) { handler(message); });
  worker.handler_objects.push_back(&handler);
  if (index == 0) append_name(handler_names_, handler.name());
  return *this;
}

bool consumer::pause(std::chrono::milliseconds delay) const {
  // In slices, to notice a stop within a few milliseconds.
  for (const auto until = std::chrono::steady_clock::now() + delay; std::chrono::steady_clock::now() < until;) {
    if (stopping_) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds{5});
  }
  return !stopping_;
}

void consumer::log(const std::string& line) const { log_or_stderr(settings_.log, line); }

void consumer::lost() {
  if (settings_.transient_retry_delay.count() == 0) throw;
  const bool connection = current_exception_as<connection_error>() != nullptr;
  log((connection ? "Connection lost" : "The store is unavailable (" + class_name_of_current_exception() + ")") +
      "; retrying in " + std::to_string(lost_delay_.count()) + " ms (Category: " + settings_.category +
      ", Error: " + message_of_current_exception() + ")");
  resuming_ = true;
  pause(lost_delay_);
  lost_delay_ = next_delay(lost_delay_);
}

void consumer::forget_everything() {
  for (auto& worker : workers_) {
    for (auto* handler : worker.handler_objects) handler->forget_everything();
  }
}

void consumer::forget_conflicted(worker& worker) {
  const auto* conflict = current_exception_as<expected_version_error>();
  for (auto* handler : worker.handler_objects) {
    if (conflict != nullptr) {
      handler->forget(conflict->stream_name());
    } else {
      handler->forget_everything();
    }
  }
}

std::uint64_t consumer::generations() const noexcept {
  std::uint64_t sum = session_->connection_generation();
  for (const auto& worker : workers_) {
    if (worker.own_session) sum += worker.own_session->connection_generation();
  }
  return sum;
}

void consumer::history_went_backwards(const std::optional<store::message_data>& found) {
  ++counts_.history_rewinds;
  log("History went backwards: the message this consumer read at global position " + std::to_string(last_read_->first) +
      " (ID: " + last_read_->second + ") is no longer in the store (" +
      (found ? "global position " + std::to_string(found->global_position) + " there or after it"
             : std::string{"nothing there or after it"}) +
      "); the server lost history (a crash, a failover to a standby that was behind). It resumes from the "
      "position recorded in the store now (Category: " + settings_.category +
      ", Position Stream: " + positions_.stream_name() + ")");
}

bool consumer::is_last_read(const store::message_data& message) const {
  return message.global_position == last_read_->first && message.id == last_read_->second;
}

bool consumer::resume() {
  const bool again = started_;
  try {
    if (!again) check_workers();
    // What was read before the connection was lost may be gone from the
    // store now: the caches go, and the last message read is looked for.
    if (again) {
      forget_everything();
      ++counts_.resumptions;
      if (last_read_) {
        auto from_last = batch_from(last_read_->first);
        from_last.batch_size = 1;
        const auto found = store::get_category(*session_, settings_.category, from_last);
        if (found.empty() || !is_last_read(found.front())) {
          history_went_backwards(found.empty() ? std::nullopt : std::optional{found.front()});
        }
      }
    }
    auto resumed = family_.resume(*session_, settings_.consumer_group);
    std::optional<std::string> change = resumed ? resumed->change : std::nullopt;
    if (!resumed && settings_.first_start_from) {
      resumed = settings_.first_start_from->resume(*session_, settings_.consumer_group);
      if (resumed) {
        change = "nothing is recorded in its position streams yet: it starts at global position " +
                 std::to_string(resumed->position) + ", where " +
                 settings_.first_start_from->stream_name(settings_.consumer_group) + " resumes";
      }
    }
    auto position = resumed ? resumed->position : 1;
    // What its position stream says now, if anything.
    auto stored = resumed && !change ? std::optional{position} : std::nullopt;
    // Not past the category's last message + 1: messages written there
    // later (a sequence that went back with a failover, a position written
    // by hand) would be skipped.
    if (position > 1) {
      const auto head = store::category_head(*session_, settings_.category);
      if (position > head.value_or(0) + 1) {
        ++counts_.history_rewinds;
        log("Recorded position " + std::to_string(position) + " is past the last message of the category (" +
            (head ? "global position " + std::to_string(*head) : std::string{"none"}) +
            "): history went backwards or the position was written by hand; it reads from " +
            std::to_string(head.value_or(0) + 1) + " (Category: " + settings_.category +
            ", Position Stream: " + positions_.stream_name() + ")");
        position = head.value_or(0) + 1;
      }
    }
    // Where its group started is not trusted beyond where it starts either.
    auto group_start = resumed ? resumed->group_start : std::nullopt;
    if (group_start) group_start = std::min(*group_start, position);
    positions_.set_group_start(group_start);
    if (change) {
      // Recorded at once, so that its family knows this configuration started.
      positions_.put(position);
      stored = position;
      log("Consumer " + positions_.stream_name() + " of " + settings_.category + ": " + *change);
    }
    if (!again && settings_.wake_on_notify) store::listen(*session_, store::notify_channel);
    position_ = position;
    record_at_.reset();
    last_recorded_ = stored;
    recorded_position_ = position;
    last_read_.reset();
    counts_.resume_at(position_ - 1);
    if (again) {
      log("Resumed from global position " + std::to_string(position) + ", the position recorded in the store" +
          " (Category: " + settings_.category + ", Position Stream: " + positions_.stream_name() + ")");
    }
  } catch (...) {
    if (kind_of_current_exception() != error_kind::transient) throw;
    lost();
    return false;
  }
  started_ = true;
  resuming_ = false;
  generations_seen_ = generations();
  lost_delay_ = settings_.transient_retry_delay;
  return !stopping_;
}

std::int64_t consumer::handle_batch() {
  // A connection replaced without an error reaching the consumer (waiting
  // for a notification, or a handler that caught its error) is a lost one.
  if (started_ && !resuming_ && generations() != generations_seen_) resuming_ = true;
  if ((!started_ || resuming_) && !resume()) return 0;
  std::int64_t handled = 0;
  try {
    // What was announced so far, this read sees.
    if (settings_.wake_on_notify) store::discard_notifications(*session_);
    if (workers_.size() > 1) {
      handled = handle_batch_concurrently();
    } else if (settings_.commits == commits::per_batch) {
      handled = handle_batch_in_transactions();
    } else {
      read_batch_alone(handled);
    }
  } catch (...) {
    if (kind_of_current_exception() != error_kind::transient) throw;
    lost();
  }
  return handled;
}

void consumer::read_batch_alone(std::int64_t& handled) {
  const bool verifying = this->verifying();
  std::optional<store::message_data> first;  // when verifying: the first message there
  bool held = !verifying;                    // whether it is the last one read
  const auto each = [&](const store::message_data& message) {
    if (verifying && !first) {
      first = message;
      held = is_last_read(message);
      return held;  // else: not one message of this batch is taken
    }
    if (stopping_) return false;
    last_read_.emplace(message.global_position, message.id);
    const auto result = accepted(message) ? dispatch(workers_.front(), message, counts_.errors) : outcome{dispatched::passed};
    if (!take(message, result)) return false;
    ++handled;
    return true;
  };
  store::read_category_batch(*session_, settings_.category, next_batch(), current_, each);
  if (!held) {
    history_went_backwards(first);
    resuming_ = true;
  }
}

store::category_batch consumer::batch_from(std::int64_t position) const {
  return {.position = position,
          .batch_size = settings_.batch_size,
          .correlation = settings_.correlation,
          .consumer_group = settings_.consumer_group,
          .condition = settings_.condition};
}

bool consumer::verifying() const noexcept { return last_read_ && last_read_->first + 1 == position_; }

store::category_batch consumer::next_batch() const {
  if (!verifying()) return batch_from(position_);
  // From the last message read, which must still be the first one there.
  auto batch = batch_from(last_read_->first);
  if (batch.batch_size > 0) ++batch.batch_size;
  return batch;
}

bool consumer::accepted(const store::message_data& message) const {
  return !settings_.accepts || settings_.accepts(message);
}

void consumer::took(const store::message_data& message, dispatched outcome, bool may_record) {
  position_ = message.global_position + 1;
  counts_.took(message.global_position);
  if (outcome == dispatched::parked) {
    ++counts_.parked;
    record_at_ = message.global_position + 1;
    // Parked with the position past it: counted as recorded.
    return;
  }
  if (outcome == dispatched::handled) {
    ++counts_.handled;
    if (settings_.log) {
      settings_.log("Handled " + message.type + " (Stream: " + message.stream_name +
                    ", Position: " + std::to_string(message.position) +
                    ", Global Position: " + std::to_string(message.global_position) + ", Handlers: " + handler_names_ + ")");
    }
  }
  record_at_ = message.global_position;
  if (++handled_since_record_ >= settings_.position_update_interval) record_due_ = true;
  if (may_record && record_due_ && gap_passed()) record_position();
}

bool consumer::take(const store::message_data& message, const outcome& outcome) {
  if (outcome.what == dispatched::stopped) return false;
  if (outcome.what == dispatched::parked) park(message, *outcome.reason);
  took(message, outcome.what);
  return true;
}

std::vector<store::message_data> consumer::read_batch() {
  std::vector<store::message_data> batch;
  const bool verifying = this->verifying();
  store::read_category_batch(*session_, settings_.category, next_batch(), current_,
                             [&](const store::message_data& message) {
                               batch.push_back(message);
                               return true;
                             });
  if (verifying) {
    if (batch.empty() || !is_last_read(batch.front())) {
      history_went_backwards(batch.empty() ? std::nullopt : std::optional{batch.front()});
      resuming_ = true;
      return {};
    }
    batch.erase(batch.begin());
  }
  if (!batch.empty()) last_read_.emplace(batch.back().global_position, batch.back().id);
  return batch;
}

std::vector<consumer::outcome> consumer::outcomes_of(const std::vector<store::message_data>& batch) const {
  std::vector<outcome> outcomes(batch.size());
  for (std::size_t index = 0; index < batch.size(); ++index) {
    if (!accepted(batch[index])) outcomes[index].what = dispatched::passed;
  }
  return outcomes;
}

std::int64_t consumer::handle_batch_in_transactions() {
  const auto batch = read_batch();
  if (batch.empty()) return 0;
  auto outcomes = outcomes_of(batch);
  std::vector<std::size_t> all(batch.size());
  for (std::size_t index = 0; index < batch.size(); ++index) all[index] = index;
  const std::atomic<bool> given_up{false};
  std::int64_t handled = 0;
  // The position past each transaction's messages commits with them; a
  // message handled alone is taken as it would be in per_write mode.
  const auto record_in = [&](store::transaction& transaction, std::size_t last) {
    const auto position = capped(batch[last].global_position);
    if (position && position != last_recorded_) {
      store::put(transaction, positions_.recorded_message(*position), positions_.stream_name());
    }
    return position;
  };
  const auto taken = [&](std::size_t from, std::size_t to, std::optional<std::int64_t> recorded) {
    for (auto index = from; index < to; ++index) {
      if (recorded) {
        took(batch[index], outcomes[index].what, false);
      } else if (!take(batch[index], outcomes[index])) {
        return;
      }
      ++handled;
    }
    if (recorded) {
      last_recorded_ = recorded;
      recorded_position_ = *recorded;
      handled_since_record_ = 0;
      record_due_ = false;
      last_record_time_ = std::chrono::steady_clock::now();
    }
  };
  handle_in_transactions(workers_.front(), batch, all, outcomes, given_up, counts_.errors, counts_.rollbacks,
                         {record_in, taken});
  return handled;
}

std::int64_t consumer::handle_batch_concurrently() {
  const auto batch = read_batch();
  if (batch.empty()) return 0;

  // Each stream to one worker, by its cardinal id, as consumer groups share a category.
  std::vector<std::vector<std::size_t>> shares(workers_.size());
  for (std::size_t index = 0; index < batch.size(); ++index) {
    const auto& stream = batch[index].stream_name;
    const auto hash = std::hash<std::string_view>{}(cardinal_id(stream).value_or(stream));
    shares[hash % workers_.size()].push_back(index);
  }
  auto outcomes = outcomes_of(batch);
  std::vector<std::exception_ptr> failures(workers_.size());
  std::atomic<bool> given_up{false};
  {
    std::vector<std::jthread> threads;
    for (std::size_t index = 0; index < workers_.size(); ++index) {
      if (shares[index].empty()) continue;
      threads.emplace_back([&, index] {
        try {
          handle_share(workers_[index], batch, shares[index], outcomes, given_up);
        } catch (...) {
          failures[index] = std::current_exception();
          given_up = true;  // the other workers stop too: the batch is given up
        }
      });
    }
  }
  for (auto& worker : workers_) {
    counts_.errors += worker.errors;
    counts_.rollbacks += worker.rollbacks;
    worker.errors = telemetry::counter{};
    worker.rollbacks = telemetry::counter{};
  }
  // A lost connection, or a handler's error: nothing of the batch is taken
  // (it is read again, from the store's position, or the consumer fails).
  for (const auto& failure : failures) {
    if (failure) std::rethrow_exception(failure);
  }
  // In the order read, up to the first message not handled (a stop); the
  // dead letters among them with the position past them, in one transaction.
  std::vector<std::pair<const store::message_data*, dead_letter::reason>> letters;
  std::size_t taken = 0;
  for (; taken < batch.size() && outcomes[taken].what != dispatched::stopped; ++taken) {
    if (outcomes[taken].what == dispatched::parked) letters.emplace_back(&batch[taken], *outcomes[taken].reason);
  }
  // With letters, no position past one of them before it is written: they
  // are written with the position past the last message taken.
  for (std::size_t index = 0; index < taken; ++index) took(batch[index], outcomes[index].what, letters.empty());
  if (!letters.empty()) park_with_position(letters);
  return static_cast<std::int64_t>(taken);
}

void consumer::handle_share(worker& worker, const std::vector<store::message_data>& batch,
                            const std::vector<std::size_t>& share, std::vector<outcome>& outcomes,
                            const std::atomic<bool>& given_up) {
  if (settings_.commits == commits::per_batch) {
    // Each worker's share commits on its session; the position, with the
    // batch's dead letters, once all have (handle_batch_concurrently).
    handle_in_transactions(worker, batch, share, outcomes, given_up, worker.errors, worker.rollbacks, {});
    return;
  }
  for (const auto index : share) {
    if (outcomes[index].what == dispatched::passed) continue;
    if (stopping_ || given_up) return;
    outcomes[index] = dispatch(worker, batch[index], worker.errors);
    if (outcomes[index].what == dispatched::stopped) return;
  }
}

namespace {

// Unwinds a batch's transaction (the session rolls it back).
struct roll_back {};

}  // namespace

void consumer::handle_in_transactions(worker& worker, const std::vector<store::message_data>& batch,
                                      const std::vector<std::size_t>& share, std::vector<outcome>& outcomes,
                                      const std::atomic<bool>& given_up, telemetry::counter& errors,
                                      telemetry::counter& rollbacks, const transaction_steps& steps) {
  const auto most = static_cast<std::size_t>(settings_.transaction_messages);
  // Without a delay to wait, per_write takes a transient error for a
  // handler's (dispatch): so do transactions, handing the message alone.
  const bool waiting = settings_.transient_retry_delay.count() > 0;
  // A message that failed in a transaction: handled alone once those
  // before it have committed without it.
  std::optional<std::size_t> failing;
  for (std::size_t next = 0; next < share.size();) {
    if (stopping_ || given_up) return;
    if (failing == next) {
      const auto index = share[next];
      // A message it does not accept (first in a transaction that failed at
      // its commit) is passed by: the first one it accepts goes alone.
      if (outcomes[index].what == dispatched::passed) {
        if (steps.taken) steps.taken(next, next + 1, std::nullopt);
        failing = ++next;
        continue;
      }
      // Alone, by per_write's rules (retried, parked, or the consumer
      // stops), its writes committed as they are made.
      failing.reset();
      outcomes[index] = dispatch(worker, batch[index], errors);
      if (steps.taken) steps.taken(next, next + 1, std::nullopt);
      if (outcomes[index].what == dispatched::stopped) return;
      ++next;
      continue;
    }
    const auto limit = failing ? *failing - next : most;
    std::size_t end = next;
    bool failed = false;
    std::optional<std::int64_t> recorded;
    const auto generation = worker.session->connection_generation();
    try {
      worker.session->transaction([&](store::transaction& transaction) {
        // One category's lock: no two batches wait for each other's.
        transaction.keep_to_one_category(true);
        const auto until = std::chrono::steady_clock::now() + settings_.transaction_time;
        for (; end < share.size() && end - next < limit; ++end) {
          if (end > next && (stopping_ || given_up || std::chrono::steady_clock::now() >= until)) break;
          const auto index = share[end];
          if (outcomes[index].what == dispatched::passed) continue;
          const auto writes = transaction.writes();
          const auto refused = transaction.refused_writes();
          bool other_category = false;
          try {
            for (const auto& handle : worker.handlers) handle(batch[index]);
          } catch (const other_category_error&) {
            other_category = true;
          } catch (...) {
            if (waiting && kind_of_current_exception() == error_kind::transient) throw;  // the batch is given up
            failed = true;
          }
          // A message whose first write goes to another category than the
          // transaction's begins the next transaction: those before it
          // commit now.
          if (other_category && end > next && transaction.writes() == writes) break;
          // Caught by a handler or not, a failed statement spoils the
          // transaction, and a refused write leaves the message half done:
          // what came before it is handled again without it.
          if (failed || other_category || transaction.failed() || transaction.refused_writes() != refused) {
            failed = true;
            throw roll_back{};
          }
          outcomes[index].what = dispatched::handled;
        }
        transaction.keep_to_one_category(false);
        if (steps.before_commit) recorded = steps.before_commit(transaction, share[end - 1]);
      });
    } catch (const roll_back&) {
    } catch (...) {
      // Not committed (or in doubt: a lost connection): what the handlers
      // cached of it goes. A lost connection gives the batch up (with no
      // delay to wait: as a conflict); a conflict or a refused value at the
      // commit or at the position's write (a serialisation failure, a lock
      // timeout, a deferred check) is handled like a handler's: the first
      // message it accepts alone, by per_write's rules; an error of no
      // known kind stops it.
      ++rollbacks;
      for (auto* handler : worker.handler_objects) handler->forget_everything();
      reset_outcomes(share, next, end, outcomes);
      const auto kind = kind_of_current_exception();
      if (kind == error_kind::transient) ++errors;
      if (kind == error_kind::other || (kind == error_kind::transient && waiting)) throw;
      failing = next;
      continue;
    }
    // A handler that caught a lost connection: the batch is given up all
    // the same (what was read may be gone: a failover).
    if (worker.session->connection_generation() != generation) {
      for (auto* handler : worker.handler_objects) handler->forget_everything();
      reset_outcomes(share, next, end, outcomes);
      throw connection_error{"The connection was lost inside a batch's transaction (Category: " + settings_.category + ")"};
    }
    if (!failed) {
      if (steps.taken) steps.taken(next, end, recorded);
      next = end;
      continue;
    }
    // Rolled back: what the handlers wrote is gone, and so must be what
    // their caches learnt of it.
    ++rollbacks;
    for (auto* handler : worker.handler_objects) handler->forget_everything();
    reset_outcomes(share, next, end, outcomes);
    failing = end;
  }
}

void consumer::reset_outcomes(const std::vector<std::size_t>& share, std::size_t from, std::size_t to,
                              std::vector<outcome>& outcomes) {
  // Not handled after all (messages it does not accept stay passed).
  for (auto index = from; index < to && index < share.size(); ++index) {
    auto& outcome = outcomes[share[index]];
    if (outcome.what == dispatched::handled) outcome.what = dispatched::stopped;
  }
}

consumer::outcome consumer::dispatch(worker& worker, const store::message_data& message, telemetry::counter& errors) {
  auto handler_delay = settings_.handler_retry_delay;
  auto conflict_delay = settings_.transient_retry_delay;
  int handler_failures = 0;
  int conflicts = 0;
  for (std::int64_t attempt = 1;; ++attempt) {
    try {
      for (const auto& handle : worker.handlers) handle(message);
      return {dispatched::handled};
    } catch (...) {
      ++errors;
      auto kind = kind_of_current_exception();
      const bool waiting = settings_.transient_retry_delay.count() > 0;
      if (!waiting && (kind == error_kind::transient || kind == error_kind::conflict)) kind = error_kind::other;
      if (kind == error_kind::transient) throw;  // the batch is given up (see lost())
      const auto parked = [&] {
        return outcome{dispatched::parked,
                       dead_letter::reason_of_current_exception(dead_letter::parker::consumer, positions_.stream_name(),
                                                                attempt)};
      };
      if (kind == error_kind::conflict) {
        forget_conflicted(worker);
        if (++conflicts > settings_.conflict_retries) {
          if (settings_.parking != parking::none) return parked();
          report_error(message);
          return {dispatched::handled};
        }
        log(error_raised_line(message) + "; a conflict: handled again with fresh state in " +
            std::to_string(conflict_delay.count()) + " ms (Retry " + std::to_string(conflicts) + " of " +
            std::to_string(settings_.conflict_retries) + ")");
        if (!pause(conflict_delay)) return {dispatched::stopped};
        conflict_delay = next_delay(conflict_delay);
        continue;
      }
      if (kind == error_kind::poison && settings_.parking != parking::none) return parked();
      if (++handler_failures > settings_.handler_retries) {
        if (settings_.parking == parking::all) return parked();
        report_error(message);
        return {dispatched::handled};
      }
      log(error_raised_line(message) + "; retrying in " + std::to_string(handler_delay.count()) + " ms (Retry " +
          std::to_string(handler_failures) + " of " + std::to_string(settings_.handler_retries) + ")");
    }
    if (!pause(handler_delay)) return {dispatched::stopped};
    handler_delay = next_delay(handler_delay);
  }
}

void consumer::logged_parked(const store::message_data& message, const dead_letter::reason& reason, bool before) {
  log("Error raised (Error Class: " + reason.error_class + ", Error Message: " + reason.error + ", Type: " +
      message.type + ", Stream Name: " + message.stream_name + ", Position: " + std::to_string(message.position) +
      ", GlobalPosition: " + std::to_string(message.global_position) + "); " +
      (before ? "parked before, in " : "parked in ") + dead_letter::stream_of(dead_letter_category_, message.stream_name));
}

void consumer::park(const store::message_data& message, const dead_letter::reason& reason) {
  park_with_position({{&message, reason}});
}

void consumer::park_with_position(const std::vector<std::pair<const store::message_data*, dead_letter::reason>>& letters) {
  // With workers, the position past the batch's last message taken; alone, past this one.
  const auto past = workers_.size() > 1 ? record_at_ : std::optional{letters.back().first->global_position + 1};
  record_at_ = past;
  const auto position = position_to_record();
  const auto letter = [&](const auto& parked) {
    return dead_letter::copy(*parked.first, parked.second, dead_letter::letter_id(parker_, *parked.first));
  };
  const auto stream = [&](const auto& parked) {
    return dead_letter::stream_of(dead_letter_category_, parked.first->stream_name);
  };
  std::vector<bool> before(letters.size(), false);
  try {
    session_->transaction([&](store::transaction& transaction) {
      for (const auto& parked : letters) store::put(transaction, letter(parked), stream(parked));
      if (position) store::put(transaction, positions_.recorded_message(*position), positions_.stream_name());
    });
  } catch (const duplicate_message_id_error&) {
    // Parked before (delivered again after a restart, or to another member
    // after the group changed size): each letter once, then the position.
    // An id another writer took (it is derived from public names) gets the
    // letter written with a random one: a letter is never lost to it.
    for (std::size_t index = 0; index < letters.size(); ++index) {
      const auto& [message, reason] = letters[index];
      try {
        store::put(*session_, letter(letters[index]), stream(letters[index]));
      } catch (const duplicate_message_id_error&) {
        before[index] = dead_letter::is_letter_of(*session_, dead_letter::letter_id(parker_, *message), *message);
        if (!before[index]) store::put(*session_, dead_letter::copy(*message, reason), stream(letters[index]));
      }
    }
    if (position) positions_.put(*position);
  }
  if (position) {
    last_recorded_ = position;
    recorded_position_ = *position;
  }
  for (std::size_t index = 0; index < letters.size(); ++index) {
    logged_parked(*letters[index].first, letters[index].second, before[index]);
  }
}

// Called inside a catch block: the error in flight is the handler's.
void consumer::report_error(const store::message_data& message) {
  log(error_raised_line(message));
  if (!settings_.error_raised) throw;
  settings_.error_raised(std::current_exception(), message);
}

bool consumer::gap_passed() const {
  return !last_record_time_ || std::chrono::steady_clock::now() - *last_record_time_ >= settings_.position_update_gap;
}

std::optional<std::int64_t> consumer::position_to_record() const { return capped(record_at_); }

std::optional<std::int64_t> consumer::capped(std::optional<std::int64_t> position) const {
  if (!position || !settings_.record_at_most) return position;
  const auto at_most = settings_.record_at_most();
  if (!at_most) return std::nullopt;
  return std::min(*position, *at_most);
}

void consumer::record_position() {
  handled_since_record_ = 0;
  record_due_ = false;
  last_record_time_ = std::chrono::steady_clock::now();
  const auto position = position_to_record();
  if (!position || position == last_recorded_) return;
  positions_.put(*position);  // a lost connection gives the batch up (lost())
  last_recorded_ = position;
  recorded_position_ = *position;
}

std::int64_t consumer::run_until_caught_up() {
  std::int64_t total = 0;
  for (;;) {
    const auto handled = handle_batch();
    total += handled;
    if (stopping_ || (handled == 0 && !resuming_ && started_)) break;
  }
  try {
    if (started_ && !resuming_) record_position();
  } catch (...) {
    if (kind_of_current_exception() != error_kind::transient) throw;
    lost();  // recorded next time
  }
  return total;
}

void consumer::run() {
  bool quiet = false;  // a read found nothing, and nothing was announced while it waited
  while (!stopping_) {
    if (handle_batch() > 0 || resuming_) {
      quiet = false;
      continue;
    }
    // Idle a moment with handled messages unrecorded: their position is
    // recorded, so that a quiet consumer's position stream says how far it
    // came (for operators, and for a restart to handle nothing again). A
    // busy consumer, which catches up between messages, keeps Eventide's
    // cadence.
    try {
      if (record_due_ || quiet) record_position();
    } catch (...) {
      if (kind_of_current_exception() != error_kind::transient) throw;
      lost();
      continue;
    }
    const auto to_record = position_to_record();
    const bool unrecorded = to_record && to_record != last_recorded_;
    quiet = !wait_for_messages(unrecorded ? std::min(settings_.poll_interval, settings_.position_idle_delay)
                                          : settings_.poll_interval);
  }
  // Stopping, a lost connection is not waited for: the position stays
  // where it was and those messages are delivered again.
  try {
    if (started_ && !resuming_) record_position();
  } catch (...) {
    if (kind_of_current_exception() != error_kind::transient) throw;
  }
}

bool consumer::wait_for_messages(std::chrono::milliseconds duration) {
  using namespace std::chrono;
  // In slices, to notice a stop within a few milliseconds.
  const auto until = steady_clock::now() + duration;
  for (auto now = steady_clock::now(); !stopping_ && now < until; now = steady_clock::now()) {
    const auto slice = std::min(duration_cast<milliseconds>(until - now) + milliseconds{1}, milliseconds{5});
    if (!settings_.wake_on_notify) {
      std::this_thread::sleep_for(slice);
    } else if (store::await_notification(*session_, settings_.category, slice)) {
      return true;
    }
  }
  return false;
}

}  // namespace evt
