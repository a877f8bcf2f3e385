#include <evt/metrics/registry.hpp>

#include <evt/error.hpp>
#include <evt/metrics/exposition.hpp>

#include <algorithm>
#include <array>
#include <string_view>

namespace evt::metrics {
namespace {

using clock = std::chrono::steady_clock;

// A counter family of one kind of reader: its name, help and member.
template <class Counts>
struct counter_family {
  std::string_view name;
  std::string_view help;
  telemetry::counter Counts::*member;
};

using consumer_counts = evt::consumer::counts;
using projector_counts = evt::projector::counts;
using relay_counts = evt::relay::relay::counts;

constexpr std::array consumer_families{
    counter_family<consumer_counts>{"evt_consumer_messages_handled_total",
                                    "Messages the consumer's handlers handled (parked ones not included).",
                                    &consumer_counts::handled},
    counter_family<consumer_counts>{"evt_consumer_errors_total",
                                    "Errors its handlers raised: every failed attempt, retried, parked or not.",
                                    &consumer_counts::errors},
    counter_family<consumer_counts>{"evt_consumer_messages_parked_total",
                                    "Messages the consumer parked in its dead-letter category.",
                                    &consumer_counts::parked},
    counter_family<consumer_counts>{"evt_consumer_resumptions_total",
                                    "Times it resumed from the store's recorded position after a lost connection.",
                                    &consumer_counts::resumptions},
    counter_family<consumer_counts>{"evt_consumer_history_rewinds_total",
                                    "Times it found the store's history behind what it had read (a server that lost "
                                    "commits, a failover to a standby that was behind, a position written by hand).",
                                    &consumer_counts::history_rewinds},
    counter_family<consumer_counts>{"evt_consumer_rollbacks_total",
                                    "Batch transactions rolled back (a handler's error, a failed commit, a lost "
                                    "connection), their messages handled again.",
                                    &consumer_counts::rollbacks},
};
constexpr std::array projector_families{
    counter_family<projector_counts>{"evt_projector_events_applied_total", "Events given to an applier, committed.",
                                     &projector_counts::applied},
    counter_family<projector_counts>{"evt_projector_events_skipped_total",
                                     "Events of types without an applier, committed.", &projector_counts::skipped},
    counter_family<projector_counts>{"evt_projector_events_parked_total", "Poison events parked.",
                                     &projector_counts::parked},
    counter_family<projector_counts>{"evt_projector_transactions_total", "Batches committed.",
                                     &projector_counts::transactions},
    counter_family<projector_counts>{"evt_projector_conflicts_total",
                                     "Batches rolled back: another projector of its name was ahead.",
                                     &projector_counts::conflicts},
};
constexpr std::array relay_families{
    counter_family<relay_counts>{"evt_relay_deliveries_total", "Messages delivered to the sink.",
                                 &relay_counts::delivered},
    counter_family<relay_counts>{
        "evt_relay_possible_redeliveries_total",
        "Deliveries flagged as possible redeliveries (after a start, a failed record, a retry).",
        &relay_counts::possible_redeliveries},
    counter_family<relay_counts>{"evt_relay_retries_total", "Deliveries that failed and were tried again.",
                                 &relay_counts::retries},
    counter_family<relay_counts>{"evt_relay_dead_letters_total",
                                 "Messages dead-lettered after their last attempt failed.",
                                 &relay_counts::dead_lettered},
};

exposition::labels labels_of(const registry::reader& reader) {
  exposition::labels labels{{"category", reader.category}, {"position_stream", reader.position_stream}};
  if (reader.consumer_group) {
    labels.emplace_back("consumer_group_member", std::to_string(reader.consumer_group->member));
    labels.emplace_back("consumer_group_size", std::to_string(reader.consumer_group->size));
  }
  return labels;
}

const telemetry::progress& progress_of(const auto& counts) {
  return std::visit([](const auto* of) -> const telemetry::progress& { return *of; }, counts);
}

double seconds(auto duration) { return std::max(0.0, std::chrono::duration<double>(duration).count()); }

// The families of one kind of reader, each with the samples of every
// reader of that kind; none when there is none of that kind.
template <class Counts, std::size_t size, class Sources>
void write_counters(exposition& out, const Sources& sources, const std::array<counter_family<Counts>, size>& families) {
  const auto of_kind = [](const auto& source) { return std::holds_alternative<const Counts*>(source.counts); };
  if (std::none_of(sources.begin(), sources.end(), of_kind)) return;
  for (const auto& family : families) {
    out.family(family.name, exposition::type::counter, family.help);
    for (const auto& source : sources) {
      if (!of_kind(source)) continue;
      out.sample(labels_of(source.reader), (std::get<const Counts*>(source.counts)->*family.member).load());
    }
  }
}

}  // namespace

registry& registry::add(const evt::host& host) {
  for (const auto* consumer : host.consumers()) add(*consumer);
  return *this;
}

registry& registry::add(const evt::consumer& consumer) {
  return add({.category = consumer.category(),
              .position_stream = consumer.position_stream_name(),
              .consumer_group = consumer.consumer_group(),
              .poll_interval = consumer.poll_interval()},
             consumer.telemetry());
}

registry& registry::add(const reader& reader, const evt::consumer::counts& counts) {
  sources_.push_back({.reader = reader, .counts = &counts});
  return *this;
}

registry& registry::add(const evt::projector& projector) {
  return add({.category = projector.category(),
              .position_stream = projector.position_stream_name(),
              .poll_interval = projector.poll_interval()},
             projector.telemetry());
}

registry& registry::add(const reader& reader, const evt::projector::counts& counts) {
  sources_.push_back({.reader = reader, .counts = &counts});
  return *this;
}

registry& registry::add(const evt::relay::relay& relay) {
  return add({.category = relay.category(),
              .position_stream = relay.position_stream_name(),
              .poll_interval = relay.poll_interval()},
             relay.telemetry());
}

registry& registry::add(const reader& reader, const evt::relay::relay::counts& counts) {
  sources_.push_back({.reader = reader, .counts = &counts});
  return *this;
}

registry& registry::add(const evt::reservation& reservation, std::string handler) {
  const auto named = std::find_if(reservations_.begin(), reservations_.end(),
                                 [&](const reservation_source& source) { return source.handler == handler; });
  if (named != reservations_.end()) {
    named->counts.push_back(&reservation.telemetry());
  } else {
    reservations_.push_back({.handler = std::move(handler), .counts = {&reservation.telemetry()}});
  }
  return *this;
}

registry& registry::add(const metrics::requests& requests) {
  if (requests_ != nullptr) throw error{"A metrics registry takes one HTTP service's requests"};
  requests_ = &requests;
  return *this;
}

std::string registry::scrape(const lag_query& lag) {
  const std::lock_guard lock{scraping_};
  const auto now = clock::now();
  const auto wall_now = std::chrono::system_clock::now();

  // Positions first, then the lag after each: a reader moving on meanwhile
  // makes its lag look larger, never negative.
  std::vector<std::int64_t> positions;
  for (auto& source : sources_) {
    const auto position = progress_of(source.counts).position();
    positions.push_back(position);
    if (position < 0) continue;
    auto& last = source.last;
    if (!last.asked || now - *last.asked >= source.reader.poll_interval) {
      last.lag = lag(source.reader, position);
      last.asked = now;
    }
  }

  exposition out;
  write_counters(out, sources_, consumer_families);
  if (!sources_.empty()) {
    // The families every reader has.
    const auto gauge = [&](std::string_view name, std::string_view help, const auto& value_of) {
      out.family(name, exposition::type::gauge, help);
      for (std::size_t i = 0; i < sources_.size(); ++i) {
        if (positions[i] < 0) continue;  // not started
        value_of(sources_[i], positions[i]);
      }
    };
    gauge("evt_consumer_position", "Global position of the last message the reader took (handled, applied, "
          "delivered or parked).",
          [&](const source& source, std::int64_t position) { out.sample(labels_of(source.reader), position); });
    gauge("evt_consumer_lag_messages",
          "Messages of the category after the reader's position (a consumer group member's share only); "
          "measured at most once per poll interval.",
          [&](const source& source, std::int64_t) {
            if (source.last.lag) out.sample(labels_of(source.reader), source.last.lag->messages);
          });
    gauge("evt_consumer_lag_seconds", "Age of the first of those messages (0 when there is none).",
          [&](const source& source, std::int64_t) {
            if (!source.last.lag) return;
            const auto& oldest = source.last.lag->oldest_time;
            out.sample(labels_of(source.reader), oldest ? seconds(wall_now - *oldest) : 0.0);
          });
    gauge("evt_consumer_last_handled_age_seconds",
          "Seconds since the reader last took a message (since it started, before the first).",
          [&](const source& source, std::int64_t) {
            out.sample(labels_of(source.reader), seconds(now - progress_of(source.counts).last_taken()));
          });
  }
  write_counters(out, sources_, projector_families);
  write_counters(out, sources_, relay_families);

  if (!reservations_.empty()) {
    out.family("evt_reservations_total", exposition::type::counter,
               "Commands a reservation took: reserved (its copy written), ignored (reserved before), "
               "handled (its reserved copy came back and the block ran).");
    for (const auto& reservation : reservations_) {
      const auto sample = [&](const char* outcome, telemetry::counter evt::reservation::counts::*count) {
        std::int64_t total = 0;
        for (const auto* counts : reservation.counts) total += (counts->*count).load();
        out.sample({{"handler", reservation.handler}, {"outcome", outcome}}, total);
      };
      sample("reserved", &evt::reservation::counts::reserved);
      sample("ignored", &evt::reservation::counts::ignored);
      sample("handled", &evt::reservation::counts::handled);
    }
  }
  if (requests_ != nullptr) requests_->write(out);
  return out.text();
}

}  // namespace evt::metrics
