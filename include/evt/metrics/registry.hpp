#pragma once

#include <evt/consumer/consumer.hpp>
#include <evt/consumer/host.hpp>
#include <evt/metrics/requests.hpp>
#include <evt/projector/projector.hpp>
#include <evt/relay/relay.hpp>
#include <evt/reservation/reservation.hpp>
#include <evt/store/get.hpp>
#include <evt/store/lag.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace evt::metrics {

// What a metrics endpoint reports (evt::metrics::endpoint serves it), as
// Prometheus text (exposition.hpp). Every reader of a category (consumer,
// projector, relay), labelled with its category and position stream (and a
// consumer group member with its member number and the group's size):
//
//   evt_consumer_position                  gauge: the last message it took (handled, applied, delivered, parked)
//   evt_consumer_lag_messages              gauge: the messages of the category after it (a member's share)
//   evt_consumer_lag_seconds               gauge: the age of the first of them (0 when none)
//   evt_consumer_last_handled_age_seconds  gauge: since it last took a message (or started)
// and by kind:
//   evt_consumer_messages_handled_total, evt_consumer_errors_total, evt_consumer_messages_parked_total
//   evt_projector_events_applied_total, _skipped_total, _parked_total, evt_projector_transactions_total,
//     evt_projector_conflicts_total
//   evt_relay_deliveries_total, evt_relay_possible_redeliveries_total, evt_relay_retries_total,
//     evt_relay_dead_letters_total
//   evt_reservations_total{handler, outcome="reserved|ignored|handled"}
// and what an HTTP service answered (requests.hpp):
//   evt_http_requests_total, evt_http_request_duration_seconds
//
// Counts and positions are read as they are (their owners' threads write
// them as they go: telemetry::counter, telemetry::progress). The lag takes
// a query: it is asked at most once per reader per poll interval (the
// reader's own, so the store sees at most one more cheap query per poll),
// and answered from the last answer in between. A reader that has not
// started yet has no position, lag or age samples.
//
// What is added must outlive the scrapes. scrape() may be called from any
// thread, one call at a time (it waits for the one running).
class registry {
 public:
  // A reader of a category, as the metrics name it.
  struct reader {
    std::string category;
    std::string position_stream;
    std::optional<store::consumer_group> consumer_group = std::nullopt;
    std::chrono::milliseconds poll_interval{100};
  };
  // How far behind the reader is, reading from after `position`; nothing
  // when it cannot be told now (the endpoint logs why).
  using lag_query = std::function<std::optional<store::lag>(const reader&, std::int64_t position)>;

  registry() = default;
  registry(const registry&) = delete;
  registry& operator=(const registry&) = delete;

  // Each consumer the host runs.
  registry& add(const evt::host& host);
  registry& add(const evt::consumer& consumer);
  registry& add(const reader& reader, const evt::consumer::counts& counts);
  registry& add(const evt::projector& projector);
  registry& add(const reader& reader, const evt::projector::counts& counts);
  registry& add(const evt::relay::relay& relay);
  registry& add(const reader& reader, const evt::relay::relay::counts& counts);
  // `handler` names it (label handler): Commands for a Commands handler's.
  // Reservations added under one name are counted together (the handlers
  // of a consumer's workers, each with its own).
  registry& add(const evt::reservation& reservation, std::string handler);
  // An HTTP service's requests (one).
  registry& add(const metrics::requests& requests);

  // The exposition text of everything added, now.
  std::string scrape(const lag_query& lag);

 private:
  struct measured {
    std::optional<store::lag> lag;
    std::optional<std::chrono::steady_clock::time_point> asked;  // none: never
  };
  struct source {
    metrics::registry::reader reader;
    std::variant<const evt::consumer::counts*, const evt::projector::counts*, const evt::relay::relay::counts*> counts;
    measured last{};
  };
  struct reservation_source {
    std::string handler;
    std::vector<const evt::reservation::counts*> counts;
  };

  std::mutex scraping_;
  std::vector<source> sources_;
  std::vector<reservation_source> reservations_;
  const metrics::requests* requests_ = nullptr;
};

}  // namespace evt::metrics
