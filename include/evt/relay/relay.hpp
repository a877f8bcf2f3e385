#pragma once

#include <evt/dead_letter/dead_letter.hpp>
#include <evt/relay/sink.hpp>
#include <evt/store/session.hpp>
#include <evt/telemetry/counter.hpp>
#include <evt/telemetry/progress.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace evt::relay {

// The outbox relay: delivers a category's messages to a sink, at least
// once, in the order they were written (so in order per stream), recording
// its position after each delivery (a Recorded {"position": N} message in
// "<category>:position-<name>"). The application writes its own rows and
// the messages in one transaction (store::session::transaction); the relay
// takes it from there.
//
// A delivery that fails is retried after retry_delay, doubling up to
// max_retry_delay, each retry logged; after max_attempts the message is
// parked in the dead-letter category instead (evt::dead_letter: a copy in
// "<dead letter category>-<stream id>", its metadata's "deadLetter" saying
// where it came from, why and after how many attempts), written in one
// transaction with the position, and the relay goes on. Later messages wait
// while one is retried: order holds.
//
// Duplicates: a relay that stopped after a delivery and before recording it
// delivers that message again when it starts, and an attempt that failed
// may have reached the receiver all the same. Such deliveries (the first
// after a start or a failed record, and every retry) are flagged as
// possible redeliveries, and counted.
class relay {
 public:
  struct settings {
    std::string name;
    std::string category;
    std::int64_t batch_size = 100;
    std::chrono::milliseconds poll_interval{std::chrono::milliseconds{100}};
    std::int64_t max_attempts = 5;
    std::chrono::milliseconds retry_delay{std::chrono::milliseconds{100}};
    std::chrono::milliseconds max_retry_delay{std::chrono::seconds{30}};
    std::optional<std::string> dead_letter_category = std::nullopt;  // default: "<category>:deadLetter"
    std::function<void(const std::string&)> log = nullptr;
    std::function<void(std::chrono::milliseconds)> sleep = nullptr;  // default: this thread sleeps
  };

  // What it did, for tests and metrics (read from any thread): where it
  // got (telemetry::progress: the last message delivered or dead-lettered)
  // and these counts.
  struct counts : telemetry::progress {
    telemetry::counter delivered;
    telemetry::counter possible_redeliveries;  // deliveries flagged redelivery
    telemetry::counter retries;
    telemetry::counter dead_lettered;
  };

  relay(store::session& session, evt::relay::sink& sink, settings settings);

  // The global position of the last message delivered or dead-lettered; 0 before the first.
  std::int64_t position();
  // Delivers everything written so far; returns how many messages it took
  // (delivered or dead-lettered). Stops early, between attempts, when `stopping` says so.
  std::int64_t catch_up(const std::function<bool()>& stopping = nullptr);
  // Catches up, then again every poll interval, until `stopping` says so.
  void run(const std::function<bool()>& stopping);

  const std::string& position_stream_name() const noexcept { return position_stream_; }
  const std::string& dead_letter_category() const noexcept { return dead_letter_category_; }
  const counts& telemetry() const noexcept { return counts_; }
  const std::string& category() const noexcept { return settings_.category; }
  std::chrono::milliseconds poll_interval() const noexcept { return settings_.poll_interval; }

 private:
  struct recorded {
    std::int64_t position = 0;
    std::int64_t version = -1;
  };
  recorded read_position();
  bool take(const store::message_data& message, recorded& at, const std::function<bool()>& stopping);
  void record(const store::message_data& message, recorded& at);
  void park(const store::message_data& message, recorded& at, const evt::dead_letter::reason& reason);
  void log(const std::string& line) const;
  void pause(std::chrono::milliseconds duration) const;
  // Waits before a retry; false when `stopping` said so meanwhile.
  bool wait(std::chrono::milliseconds delay, const std::function<bool()>& stopping) const;

  store::session& session_;
  evt::relay::sink& sink_;
  settings settings_;
  std::string position_stream_;
  std::string dead_letter_category_;
  // The last delivery may not have been recorded: at first, and from a
  // delivery until its record.
  bool unrecorded_ = true;
  counts counts_{};
};

}  // namespace evt::relay
