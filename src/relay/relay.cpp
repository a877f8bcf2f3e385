#include <evt/relay/relay.hpp>

#include <evt/consumer/position_store.hpp>
#include <evt/dead_letter/dead_letter.hpp>
#include <evt/error.hpp>
#include <evt/message/data_json.hpp>
#include <evt/store/get.hpp>
#include <evt/store/put.hpp>
#include <evt/stream_name.hpp>

#include <algorithm>
#include <thread>
#include <utility>

namespace evt::relay {
namespace {

constexpr std::chrono::milliseconds slice{100};

std::string where(const store::message_data& message) {
  return "Stream: " + message.stream_name + ", Global Position: " + std::to_string(message.global_position) +
         ", Message Id: " + message.id;
}

}  // namespace

relay::relay(store::session& session, evt::relay::sink& sink, settings settings)
    : session_{session},
      sink_{sink},
      settings_{std::move(settings)},
      position_stream_{position_store::stream_name(settings_.category, settings_.name)},
      dead_letter_category_{settings_.dead_letter_category.value_or(dead_letter::category_of(settings_.category))} {
  if (settings_.batch_size < 1 || settings_.max_attempts < 1) {
    throw error{"A relay needs a batch size and a number of attempts of at least 1 (Relay: " + settings_.name + ")"};
  }
  if (!is_category(dead_letter_category_)) {
    throw stream_name_error{"The dead-letter category must be a category (Category: " + dead_letter_category_ + ")"};
  }
}

relay::recorded relay::read_position() {
  const auto last = store::get_last(session_, position_stream_);
  if (!last) return {};
  try {
    return {.position = detail::parse_json(last->data.value_or("{}")).at("position").get<std::int64_t>(),
            .version = last->position};
  } catch (const detail::json::exception& failure) {
    throw decode_error{position_stream_, last->position, last->type, "position", failure.what()};
  }
}

std::int64_t relay::position() { return read_position().position; }

std::int64_t relay::catch_up(const std::function<bool()>& stopping) {
  std::int64_t taken = 0;
  auto at = read_position();
  counts_.resume_at(at.position);
  for (;;) {
    const auto batch = store::get_category(session_, settings_.category,
                                           {.position = at.position + 1, .batch_size = settings_.batch_size});
    if (batch.empty()) return taken;
    for (const auto& message : batch) {
      if (stopping && stopping()) return taken;
      if (!take(message, at, stopping)) return taken;
      ++taken;
    }
  }
}

void relay::run(const std::function<bool()>& stopping) {
  while (!stopping()) {
    catch_up(stopping);
    if (!stopping()) pause(settings_.poll_interval);
  }
}

bool relay::take(const store::message_data& message, recorded& at, const std::function<bool()>& stopping) {
  // A message may have reached the sink before when the last delivery was
  // not recorded (a stop, a failed record), or when an attempt of it failed
  // (a timeout after the receiver took it).
  const bool unrecorded = std::exchange(unrecorded_, true);
  auto delay = settings_.retry_delay;
  bool redelivery = unrecorded;
  for (std::int64_t attempt = 1;; ++attempt) {
    redelivery = unrecorded || attempt > 1;
    try {
      sink_.deliver({.message = message, .redelivery = redelivery, .attempt = attempt});
      break;
    } catch (const std::exception& failure) {
      if (attempt >= settings_.max_attempts) {
        park(message, at, evt::dead_letter::reason_of_current_exception(evt::dead_letter::parker::relay, position_stream_, attempt));
        return true;
      }
      ++counts_.retries;
      log(std::string{"Delivery failed: "} + failure.what() + " (" + where(message) + "); retrying in " +
          std::to_string(delay.count()) + " ms (Retry " + std::to_string(attempt) + " of " +
          std::to_string(settings_.max_attempts - 1) + ")");
      if (!wait(delay, stopping)) return false;
      delay = std::min(delay * 2, settings_.max_retry_delay);
    }
  }
  ++counts_.delivered;
  if (redelivery) ++counts_.possible_redeliveries;
  record(message, at);
  unrecorded_ = false;
  return true;
}

bool relay::wait(std::chrono::milliseconds delay, const std::function<bool()>& stopping) const {
  if (!stopping) {
    pause(delay);
    return true;
  }
  // In short slices, so that a stop does not wait for a long backoff.
  for (auto left = delay; left.count() > 0; left -= std::min(left, slice)) {
    if (stopping()) return false;
    pause(std::min(left, slice));
  }
  return !stopping();
}

void relay::record(const store::message_data& message, recorded& at) {
  at.version = store::put(session_, position_store::recorded(message.global_position), position_stream_, at.version);
  at.position = message.global_position;
  counts_.took(message.global_position);
}

void relay::park(const store::message_data& message, recorded& at, const evt::dead_letter::reason& reason) {
  const auto copy = evt::dead_letter::copy(message, reason);
  const auto stream = evt::dead_letter::stream_of(dead_letter_category_, message.stream_name);
  at.version = session_.transaction([&](store::transaction& transaction) {
    store::put(transaction, copy, stream);
    return store::put(transaction, position_store::recorded(message.global_position), position_stream_, at.version);
  });
  at.position = message.global_position;
  unrecorded_ = false;
  ++counts_.dead_lettered;
  counts_.took(message.global_position);
  log("Dead-lettered after " + std::to_string(reason.attempts) + " attempts: " + reason.error + " (" + where(message) +
      ", Dead Letter Stream: " + stream + ")");
}

void relay::log(const std::string& line) const {
  if (settings_.log) settings_.log(line);
}

void relay::pause(std::chrono::milliseconds duration) const {
  if (settings_.sleep) {
    settings_.sleep(duration);
  } else {
    std::this_thread::sleep_for(duration);
  }
}

}  // namespace evt::relay
