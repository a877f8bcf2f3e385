#include <evt/consumer/consumer.hpp>

#include <evt/dead_letter/dead_letter.hpp>
#include <evt/error.hpp>
#include <evt/error_kind.hpp>
#include <evt/log.hpp>
#include <evt/store/notifications.hpp>
#include <evt/store/put.hpp>
#include <evt/store/read.hpp>
#include <evt/stream_name.hpp>

#include <functional>
#include <thread>

namespace evt {
namespace {

std::string position_stream(const consumer::settings& settings) {
  if (!is_category(settings.category)) {
    throw stream_name_error{"Consumer's stream name must be a category (Stream Name: " + settings.category + ")"};
  }
  if (!settings.consumer_group) return position_store::stream_name(settings.category, settings.identifier);
  if (!settings.identifier) {
    throw consumer_group_error{"A consumer in a group needs an identifier (Category: " + settings.category + ")"};
  }
  // One position stream per member: members sharing one would skip each
  // other's messages (SPEC 12.6).
  return position_store::stream_name(settings.category,
                                     *settings.identifier + "+" + std::to_string(settings.consumer_group->member));
}

}  // namespace

consumer::consumer(store::session& session, settings settings)
    : session_{&session},
      settings_{std::move(settings)},
      positions_{session, position_stream(settings_), settings_.consumer_group},
      dead_letter_category_{dead_letter::category_of(settings_.category)} {
  if (settings_.concurrency < 1) {
    throw error{"Concurrency must be at least 1 (Category: " + settings_.category + ")"};
  }
  if (settings_.concurrency == 1) {
    workers_.push_back({.session = session_, .own_session = nullptr, .handlers = {}, .errors = {}});
    return;
  }
  for (int index = 0; index < settings_.concurrency; ++index) {
    auto own = std::make_unique<store::session>(session.settings());  // connects when first used
    auto* worker_session = own.get();
    workers_.push_back({.session = worker_session, .own_session = std::move(own), .handlers = {}, .errors = {}});
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

namespace {

void append_name(std::string& names, const std::string& name) {
  if (!names.empty()) names += ", ";
  names += name;
}

}  // namespace

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
  if (index == 0) append_name(handler_names_, handler.name());
  return *this;
}

namespace {

std::chrono::milliseconds next_delay(std::chrono::milliseconds delay) {
  return std::min<std::chrono::milliseconds>(delay * 2, std::chrono::seconds{30});
}

}  // namespace

bool consumer::pause(std::chrono::milliseconds delay) const {
  // In slices, to notice a stop within a few milliseconds.
  for (const auto until = std::chrono::steady_clock::now() + delay; std::chrono::steady_clock::now() < until;) {
    if (stopping_) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds{5});
  }
  return !stopping_;
}

template <class Call>
bool consumer::retrying(Call&& call) {
  for (auto delay = settings_.transient_retry_delay;;) {
    try {
      call();
      return true;
    } catch (...) {
      if (delay.count() == 0 || kind_of_current_exception() != error_kind::transient) throw;
      const bool lost = current_exception_as<connection_error>() != nullptr;
      log((lost ? "Connection lost" : "Transient error (" + class_name_of_current_exception() + ")") +
          "; retrying in " + std::to_string(delay.count()) + " ms (Category: " + settings_.category +
          ", Error: " + message_of_current_exception() + ")");
      if (!pause(delay)) return false;
      delay = next_delay(delay);
    }
  }
}

void consumer::log(const std::string& line) const { log_or_stderr(settings_.log, line); }

std::int64_t consumer::handle_batch() {
  if (!started_) {
    check_workers();
    const bool started = retrying([&] {
      // Resume at the recorded position itself: that message is handled again.
      last_recorded_ = positions_.get();
      position_ = last_recorded_.value_or(1);
      counts_.resume_at(position_ - 1);
      // Listening before the first read: nothing written after it goes unannounced.
      if (settings_.wake_on_notify) store::listen(*session_, store::notify_channel);
    });
    if (!started) return 0;
    started_ = true;
  }
  // What was announced so far, this read sees.
  if (settings_.wake_on_notify) store::discard_notifications(*session_);
  if (workers_.size() > 1) return handle_batch_concurrently();
  std::int64_t handled = 0;
  const auto each = [&](const store::message_data& message) {
    if (stopping_) return false;
    const auto outcome = accepted(message) ? handle(workers_.front(), message, counts_.errors) : dispatched::passed;
    if (outcome == dispatched::stopped) return false;
    took(message, outcome);
    ++handled;
    return true;
  };
  // A read retried after a transient error starts after the last message
  // handled: each message's handlers are retried on their own.
  retrying([&] { store::read_category_batch(*session_, settings_.category, batch_from(position_), current_, each); });
  return handled;
}

store::category_batch consumer::batch_from(std::int64_t position) const {
  return {.position = position,
          .batch_size = settings_.batch_size,
          .correlation = settings_.correlation,
          .consumer_group = settings_.consumer_group,
          .condition = settings_.condition};
}

bool consumer::accepted(const store::message_data& message) const {
  return !settings_.accepts || settings_.accepts(message);
}

consumer::dispatched consumer::handle(worker& worker, const store::message_data& message, telemetry::counter& errors) {
  // A handler that met a transient error gets the message again once it
  // has passed (handlers are idempotent: delivery is at least once anyway).
  auto outcome = dispatched::stopped;
  if (!retrying([&] { outcome = dispatch(worker, message, errors); })) return dispatched::stopped;
  return outcome;
}

void consumer::took(const store::message_data& message, dispatched outcome) {
  position_ = message.global_position + 1;
  counts_.took(message.global_position);
  if (outcome == dispatched::parked) {
    ++counts_.parked;
    // Alone, the park recorded the position past it; a worker's comes with its batch's.
    if (workers_.size() == 1) return;
    record_at_ = message.global_position + 1;
  } else if (outcome == dispatched::passed) {
    record_at_ = message.global_position;
  } else {
    ++counts_.handled;
    if (settings_.log) {
      settings_.log("Handled " + message.type + " (Stream: " + message.stream_name +
                    ", Position: " + std::to_string(message.position) +
                    ", Global Position: " + std::to_string(message.global_position) + ", Handlers: " + handler_names_ + ")");
    }
    record_at_ = message.global_position;
  }
  if (++handled_since_record_ >= settings_.position_update_interval) record_due_ = true;
  if (record_due_ && gap_passed()) record_position();
}

std::int64_t consumer::handle_batch_concurrently() {
  std::vector<store::message_data> batch;
  retrying([&] {
    batch.clear();
    store::read_category_batch(*session_, settings_.category, batch_from(position_), current_,
                               [&](const store::message_data& message) {
                                 batch.push_back(message);
                                 return true;
                               });
  });
  if (batch.empty()) return 0;

  // Each stream to one worker, by its cardinal id, as consumer groups share a category.
  std::vector<std::vector<std::size_t>> shares(workers_.size());
  for (std::size_t index = 0; index < batch.size(); ++index) {
    const auto& stream = batch[index].stream_name;
    const auto hash = std::hash<std::string_view>{}(cardinal_id(stream).value_or(stream));
    shares[hash % workers_.size()].push_back(index);
  }
  std::vector<dispatched> outcomes(batch.size(), dispatched::stopped);
  for (std::size_t index = 0; index < batch.size(); ++index) {
    if (!accepted(batch[index])) outcomes[index] = dispatched::passed;
  }
  std::vector<std::exception_ptr> failures(workers_.size());
  {
    std::vector<std::jthread> threads;
    for (std::size_t index = 0; index < workers_.size(); ++index) {
      if (shares[index].empty()) continue;
      threads.emplace_back([&, index] {
        try {
          handle_share(workers_[index], batch, shares[index], outcomes);
        } catch (...) {
          failures[index] = std::current_exception();
          stopping_ = true;  // the other workers stop too: the consumer fails
        }
      });
    }
  }
  for (auto& worker : workers_) {
    counts_.errors += worker.errors;
    worker.errors = telemetry::counter{};
  }
  // In the order read, up to the first message not handled.
  std::int64_t handled = 0;
  for (std::size_t index = 0; index < batch.size() && outcomes[index] != dispatched::stopped; ++index) {
    took(batch[index], outcomes[index]);
    ++handled;
  }
  for (const auto& failure : failures) {
    if (failure) std::rethrow_exception(failure);
  }
  return handled;
}

void consumer::handle_share(worker& worker, const std::vector<store::message_data>& batch,
                            const std::vector<std::size_t>& share, std::vector<dispatched>& outcomes) {
  for (const auto index : share) {
    if (outcomes[index] == dispatched::passed) continue;
    if (stopping_) return;
    outcomes[index] = handle(worker, batch[index], worker.errors);
    if (outcomes[index] == dispatched::stopped) return;
  }
}

namespace {

// Called inside a catch block: Eventide's words for the error in flight.
std::string error_raised_line(const store::message_data& message) {
  return "Error raised (Error Class: " + class_name_of_current_exception() +
         ", Error Message: " + message_of_current_exception() +
         ", Type: " + message.type + ", Stream Name: " + message.stream_name +
         ", Position: " + std::to_string(message.position) +
         ", GlobalPosition: " + std::to_string(message.global_position) + ")";
}

}  // namespace

consumer::dispatched consumer::dispatch(worker& worker, const store::message_data& message,
                                       telemetry::counter& errors) {
  auto delay = settings_.handler_retry_delay;
  for (int attempt = 1;; ++attempt) {
    try {
      for (const auto& handle : worker.handlers) handle(message);
      return dispatched::handled;
    } catch (...) {
      ++errors;
      const auto kind = kind_of_current_exception();
      if (kind == error_kind::transient && settings_.transient_retry_delay.count() > 0) throw;  // for retrying()
      if (kind == error_kind::poison && settings_.parking != parking::none) {
        park(worker, message, attempt);
        return dispatched::parked;
      }
      if (attempt > settings_.handler_retries) {
        if (settings_.parking == parking::all) {
          park(worker, message, attempt);
          return dispatched::parked;
        }
        report_error(message);
        return dispatched::handled;
      }
      log(error_raised_line(message) + "; retrying in " + std::to_string(delay.count()) + " ms (Retry " +
          std::to_string(attempt) + " of " + std::to_string(settings_.handler_retries) + ")");
    }
    if (!pause(delay)) return dispatched::stopped;
    delay = next_delay(delay);
  }
}

void consumer::park(worker& worker, const store::message_data& message, std::int64_t attempts) {
  const auto reason = dead_letter::reason_of_current_exception(dead_letter::parker::consumer, positions_.stream_name(), attempts);
  const auto stream = dead_letter::stream_of(dead_letter_category_, message.stream_name);
  const auto past = message.global_position + 1;
  if (workers_.size() > 1) {
    // Parked before, by a batch whose position was not recorded (or a park
    // whose outcome was not known): once is enough.
    for (const auto& letter : store::get_stream(*worker.session, stream, {.batch_size = -1})) {
      try {
        if (dead_letter::read(letter).original.global_position == message.global_position) return;
      } catch (const decode_error&) {  // another writer's message there: not this one's letter
      }
    }
    store::put(*worker.session, dead_letter::copy(message, reason), stream);
    log(error_raised_line(message) + "; parked in " + stream);
    return;
  }
  // Restarted there, the consumer never handles it again. A park retried
  // after a lost connection finds the position there when the first one
  // committed after all.
  if (positions_.get().value_or(0) < past) {
    session_->transaction([&](store::transaction& transaction) {
      store::put(transaction, dead_letter::copy(message, reason), stream);
      positions_.put(past);  // joins the transaction
    });
  }
  record_at_ = past;
  last_recorded_ = past;
  log(error_raised_line(message) + "; parked in " + stream);
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

void consumer::record_position() {
  handled_since_record_ = 0;
  record_due_ = false;
  last_record_time_ = std::chrono::steady_clock::now();
  if (!record_at_ || record_at_ == last_recorded_) return;
  // Stopping, a lost connection is not waited for: the position stays
  // where it was and those messages are delivered again.
  if (retrying([&] { positions_.put(*record_at_); })) last_recorded_ = record_at_;
}

std::int64_t consumer::run_until_caught_up() {
  std::int64_t total = 0;
  for (;;) {
    const auto handled = handle_batch();
    total += handled;
    if (handled == 0 || stopping_) break;
  }
  record_position();
  return total;
}

void consumer::run() {
  bool quiet = false;  // a read found nothing, and nothing was announced while it waited
  while (!stopping_) {
    if (handle_batch() > 0) {
      quiet = false;
      continue;
    }
    // Idle a moment with handled messages unrecorded: their position is
    // recorded, so that a quiet consumer's position stream says how far it
    // came (for operators, and for a restart to handle nothing again). A
    // busy consumer, which catches up between messages, keeps Eventide's
    // cadence.
    if (record_due_ || quiet) record_position();
    const bool unrecorded = record_at_ && record_at_ != last_recorded_;
    quiet = !wait_for_messages(unrecorded ? std::min(settings_.poll_interval, settings_.position_idle_delay)
                                          : settings_.poll_interval);
  }
  record_position();
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
