// What a metrics endpoint serves, without a database: counts set by hand
// (each kind's telemetry), and a lag query that answers what the test says
// and counts how often it is asked.
#include <evt/controls.hpp>
#include <evt/metrics/registry.hpp>

#include <evt/uuid.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace {

using evt::metrics::registry;
using namespace std::chrono_literals;

EVT_MESSAGE(Deposit, (std::string, deposit_id));

const registry::reader commands{.category = "account:command", .position_stream = "account:command+position"};
const std::string commands_labels = R"({category="account:command",position_stream="account:command+position"})";

// Answers `messages` behind, counting the questions.
struct lag_answers {
  std::optional<std::int64_t> messages = 0;
  std::optional<evt::store::time_point> oldest_time = std::nullopt;
  std::vector<std::pair<registry::reader, std::int64_t>> asked = {};

  registry::lag_query query() {
    return [this](const registry::reader& reader, std::int64_t position) -> std::optional<evt::store::lag> {
      asked.emplace_back(reader, position);
      if (!messages) return std::nullopt;
      return evt::store::lag{.messages = *messages, .oldest_time = oldest_time};
    };
  }
};

// The sample lines of a scrape (not the HELP and TYPE lines) that start with `name`.
std::vector<std::string> samples(const std::string& text, const std::string& name) {
  std::vector<std::string> found;
  std::istringstream lines{text};
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with(name + "{") || line.starts_with(name + " ")) found.push_back(line);
  }
  return found;
}

TEST(MetricsRegistry, AConsumersCountsPositionAndLagAreItsSamples) {
  evt::consumer::counts counts;
  counts.resume_at(10);
  for (int i = 0; i < 3; ++i) ++counts.handled;
  ++counts.parked;
  counts.errors += 2;
  ++counts.resumptions;
  ++counts.history_rewinds;
  counts.rollbacks += 3;
  counts.took(14);
  registry metrics;
  metrics.add(commands, counts);
  lag_answers lag{.messages = 5};
  const auto text = metrics.scrape(lag.query());

  EXPECT_EQ(samples(text, "evt_consumer_messages_handled_total"),
            std::vector<std::string>{"evt_consumer_messages_handled_total" + commands_labels + " 3"});
  EXPECT_EQ(samples(text, "evt_consumer_messages_parked_total"),
            std::vector<std::string>{"evt_consumer_messages_parked_total" + commands_labels + " 1"});
  EXPECT_EQ(samples(text, "evt_consumer_errors_total"),
            std::vector<std::string>{"evt_consumer_errors_total" + commands_labels + " 2"});
  EXPECT_EQ(samples(text, "evt_consumer_resumptions_total"),
            std::vector<std::string>{"evt_consumer_resumptions_total" + commands_labels + " 1"});
  EXPECT_EQ(samples(text, "evt_consumer_history_rewinds_total"),
            std::vector<std::string>{"evt_consumer_history_rewinds_total" + commands_labels + " 1"});
  EXPECT_EQ(samples(text, "evt_consumer_rollbacks_total"),
            std::vector<std::string>{"evt_consumer_rollbacks_total" + commands_labels + " 3"});
  EXPECT_EQ(samples(text, "evt_consumer_position"), std::vector<std::string>{"evt_consumer_position" + commands_labels + " 14"});
  EXPECT_EQ(samples(text, "evt_consumer_lag_messages"),
            std::vector<std::string>{"evt_consumer_lag_messages" + commands_labels + " 5"});
  ASSERT_EQ(lag.asked.size(), 1u);
  EXPECT_EQ(lag.asked[0].first.category, "account:command");
  EXPECT_EQ(lag.asked[0].second, 14) << "messages after the last one it took";
  ASSERT_EQ(samples(text, "evt_consumer_last_handled_age_seconds").size(), 1u);
  EXPECT_NE(text.find("# TYPE evt_consumer_messages_handled_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE evt_consumer_lag_messages gauge\n"), std::string::npos);
}

TEST(MetricsRegistry, EachFamilyHasOneHelpAndTypeAndEveryConsumersSample) {
  evt::consumer::counts first;
  evt::consumer::counts second;
  first.resume_at(0);
  second.resume_at(0);
  ++second.handled;
  registry metrics;
  metrics.add(commands, first).add({.category = "other", .position_stream = "other+position"}, second);
  lag_answers lag;
  const auto text = metrics.scrape(lag.query());
  for (const char* family : {"evt_consumer_messages_handled_total", "evt_consumer_errors_total",
                             "evt_consumer_messages_parked_total", "evt_consumer_resumptions_total",
                             "evt_consumer_history_rewinds_total", "evt_consumer_rollbacks_total", "evt_consumer_position", "evt_consumer_lag_messages",
                             "evt_consumer_lag_seconds", "evt_consumer_last_handled_age_seconds"}) {
    const std::string help = std::string{"# HELP "} + family + " ";
    const auto at = text.find(help);
    ASSERT_NE(at, std::string::npos) << family;
    EXPECT_EQ(text.find(help, at + 1), std::string::npos) << family << " described twice";
    EXPECT_EQ(samples(text, family).size(), 2u) << family;
  }
  EXPECT_EQ(samples(text, "evt_consumer_messages_handled_total")[1],
            R"(evt_consumer_messages_handled_total{category="other",position_stream="other+position"} 1)");
  EXPECT_EQ(lag.asked.size(), 2u);
}

TEST(MetricsRegistry, TheLagIsAskedAtMostOncePerPollIntervalAndAnsweredFromTheLastAnswerMeanwhile) {
  evt::consumer::counts counts;
  counts.resume_at(3);
  auto hourly = commands;
  hourly.poll_interval = 1h;
  registry metrics;
  metrics.add(hourly, counts);
  lag_answers lag{.messages = 2};
  metrics.scrape(lag.query());
  lag.messages = 9;
  counts.took(4);
  const auto text = metrics.scrape(lag.query());
  EXPECT_EQ(lag.asked.size(), 1u);
  EXPECT_EQ(samples(text, "evt_consumer_lag_messages"),
            std::vector<std::string>{"evt_consumer_lag_messages" + commands_labels + " 2"});
  EXPECT_EQ(samples(text, "evt_consumer_position"), std::vector<std::string>{"evt_consumer_position" + commands_labels + " 4"})
      << "counts and positions are read as they are";
}

TEST(MetricsRegistry, WithAPollIntervalOfZeroEveryScrapeAsks) {
  evt::consumer::counts counts;
  counts.resume_at(3);
  auto eager = commands;
  eager.poll_interval = 0ms;
  registry metrics;
  metrics.add(eager, counts);
  lag_answers lag;
  metrics.scrape(lag.query());
  metrics.scrape(lag.query());
  EXPECT_EQ(lag.asked.size(), 2u);
}

TEST(MetricsRegistry, AReaderNotStartedHasNoPositionLagOrAgeAndIsNotAskedForItsLag) {
  evt::consumer::counts counts;
  registry metrics;
  metrics.add(commands, counts);
  lag_answers lag;
  const auto text = metrics.scrape(lag.query());
  EXPECT_TRUE(lag.asked.empty());
  EXPECT_TRUE(samples(text, "evt_consumer_position").empty());
  EXPECT_TRUE(samples(text, "evt_consumer_lag_messages").empty());
  EXPECT_TRUE(samples(text, "evt_consumer_last_handled_age_seconds").empty());
  EXPECT_EQ(samples(text, "evt_consumer_messages_handled_total").size(), 1u) << "its counts are there: zeros";
}

TEST(MetricsRegistry, ALagThatCannotBeMeasuredIsLeftOut) {
  evt::consumer::counts counts;
  counts.resume_at(3);
  registry metrics;
  metrics.add(commands, counts);
  lag_answers lag{.messages = std::nullopt};
  const auto text = metrics.scrape(lag.query());
  EXPECT_EQ(lag.asked.size(), 1u);
  EXPECT_TRUE(samples(text, "evt_consumer_lag_messages").empty());
  EXPECT_TRUE(samples(text, "evt_consumer_lag_seconds").empty());
  EXPECT_EQ(samples(text, "evt_consumer_position").size(), 1u);
}

TEST(MetricsRegistry, TheLagInSecondsIsTheAgeOfTheFirstMessageBehind) {
  evt::consumer::counts counts;
  counts.resume_at(3);
  registry metrics;
  metrics.add(commands, counts);
  const auto written = std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now()) - 90s;
  lag_answers lag{.messages = 1, .oldest_time = written};
  const auto lines = samples(metrics.scrape(lag.query()), "evt_consumer_lag_seconds");
  ASSERT_EQ(lines.size(), 1u);
  const auto age = std::stod(lines[0].substr(lines[0].rfind(' ') + 1));
  EXPECT_GE(age, 90.0);
  EXPECT_LT(age, 150.0);
}

TEST(MetricsRegistry, AGroupMemberIsLabelledWithItsShareAndItsLagAskedForIt) {
  evt::consumer::counts counts;
  counts.resume_at(0);
  registry metrics;
  metrics.add({.category = "account:command",
               .position_stream = "account:command+position-accountComponent+1",
               .consumer_group = evt::store::consumer_group{.member = 1, .size = 3}},
              counts);
  lag_answers lag;
  const auto text = metrics.scrape(lag.query());
  EXPECT_EQ(samples(text, "evt_consumer_position"),
            std::vector<std::string>{R"(evt_consumer_position{category="account:command",)"
                                     R"(position_stream="account:command+position-accountComponent+1",)"
                                     R"(consumer_group_member="1",consumer_group_size="3"} 0)"});
  ASSERT_EQ(lag.asked.size(), 1u);
  ASSERT_TRUE(lag.asked[0].first.consumer_group);
  EXPECT_EQ(lag.asked[0].first.consumer_group->member, 1);
  EXPECT_EQ(lag.asked[0].first.consumer_group->size, 3);
}

TEST(MetricsRegistry, ARelayAndAProjectorHaveTheirCountsAndAReadersPositionAndLag) {
  evt::relay::relay::counts relayed;
  relayed.resume_at(0);
  relayed.delivered += 7;
  ++relayed.possible_redeliveries;
  relayed.retries += 3;
  ++relayed.dead_lettered;
  relayed.took(11);
  evt::projector::counts projected;
  projected.resume_at(2);
  projected.applied += 5;
  ++projected.skipped;
  registry metrics;
  metrics.add({.category = "order", .position_stream = "order:position-orders"}, relayed)
      .add({.category = "account", .position_stream = "account:position-accountBalances"}, projected);
  lag_answers lag;
  const auto text = metrics.scrape(lag.query());
  const std::string orders = R"({category="order",position_stream="order:position-orders"})";
  EXPECT_EQ(samples(text, "evt_relay_deliveries_total"), std::vector<std::string>{"evt_relay_deliveries_total" + orders + " 7"});
  EXPECT_EQ(samples(text, "evt_relay_possible_redeliveries_total"),
            std::vector<std::string>{"evt_relay_possible_redeliveries_total" + orders + " 1"});
  EXPECT_EQ(samples(text, "evt_relay_retries_total"), std::vector<std::string>{"evt_relay_retries_total" + orders + " 3"});
  EXPECT_EQ(samples(text, "evt_relay_dead_letters_total"),
            std::vector<std::string>{"evt_relay_dead_letters_total" + orders + " 1"});
  EXPECT_EQ(samples(text, "evt_projector_events_applied_total"),
            std::vector<std::string>{
                R"(evt_projector_events_applied_total{category="account",position_stream="account:position-accountBalances"} 5)"});
  EXPECT_EQ(samples(text, "evt_consumer_position").size(), 2u);
  EXPECT_TRUE(samples(text, "evt_consumer_messages_handled_total").empty()) << "no consumer: no consumer counts";
  EXPECT_EQ(text.find("evt_consumer_messages_handled_total"), std::string::npos);
}

TEST(MetricsRegistry, AReservationCountsEachOutcomeLabelledWithItsHandler) {
  auto reservation = evt::reservation::substitute();
  Deposit original{.deposit_id = "d1"};
  original.metadata = evt::controls::metadata();
  original.metadata.stream_name = "account:command-a1";
  reservation(original, &Deposit::deposit_id, [](const Deposit&) {});
  reservation(original, &Deposit::deposit_id, [](const Deposit&) {});  // its copy exists: ignored
  auto copy = original;
  copy.metadata = evt::controls::reserved_metadata("d1");
  reservation(copy, &Deposit::deposit_id, [](const Deposit&) {});
  registry metrics;
  metrics.add(reservation, "Commands \"main\"");
  lag_answers lag;
  const auto text = metrics.scrape(lag.query());
  EXPECT_EQ(samples(text, "evt_reservations_total"),
            (std::vector<std::string>{R"(evt_reservations_total{handler="Commands \"main\"",outcome="reserved"} 1)",
                                      R"(evt_reservations_total{handler="Commands \"main\"",outcome="ignored"} 1)",
                                      R"(evt_reservations_total{handler="Commands \"main\"",outcome="handled"} 1)"}));
  EXPECT_NE(text.find("# TYPE evt_reservations_total counter\n"), std::string::npos);
}

TEST(MetricsRegistry, ReservationsAddedUnderOneHandlerNameAreCountedTogether) {
  auto first = evt::reservation::substitute();
  auto second = evt::reservation::substitute();
  auto other = evt::reservation::substitute();
  for (auto* reservation : {&first, &second, &second}) {
    Deposit original{.deposit_id = evt::random_uuid()};
    original.metadata = evt::controls::metadata();
    original.metadata.stream_name = "account:command-a1";
    (*reservation)(original, &Deposit::deposit_id, [](const Deposit&) {});
  }
  registry metrics;
  metrics.add(first, "Commands").add(other, "Other").add(second, "Commands");
  lag_answers lag;
  EXPECT_EQ(samples(metrics.scrape(lag.query()), "evt_reservations_total"),
            (std::vector<std::string>{R"(evt_reservations_total{handler="Commands",outcome="reserved"} 3)",
                                      R"(evt_reservations_total{handler="Commands",outcome="ignored"} 0)",
                                      R"(evt_reservations_total{handler="Commands",outcome="handled"} 0)",
                                      R"(evt_reservations_total{handler="Other",outcome="reserved"} 0)",
                                      R"(evt_reservations_total{handler="Other",outcome="ignored"} 0)",
                                      R"(evt_reservations_total{handler="Other",outcome="handled"} 0)"}));
}

TEST(MetricsRegistry, NothingAddedIsAnEmptyScrape) {
  registry metrics;
  lag_answers lag;
  EXPECT_EQ(metrics.scrape(lag.query()), "");
}

}  // namespace

namespace {

TEST(MetricsRegistry, AnHttpServicesRequestsAreCountedByRouteAndStatusAndTimedInCumulativeBuckets) {
  evt::metrics::requests requests;
  requests.record("/accounts/{id}/deposits", "POST", 201, 3ms);
  requests.record("/accounts/{id}/deposits", "POST", 201, 40ms);
  requests.record("/accounts/{id}/deposits", "POST", 409, 2s);
  requests.record("/accounts/{id}", "GET", 404, 1ms);
  registry metrics;
  metrics.add(requests);
  lag_answers lags;
  const auto text = metrics.scrape(lags.query());

  EXPECT_EQ(samples(text, "evt_http_requests_total"),
            (std::vector<std::string>{
                R"(evt_http_requests_total{route="/accounts/{id}",method="GET",status="404"} 1)",
                R"(evt_http_requests_total{route="/accounts/{id}/deposits",method="POST",status="201"} 2)",
                R"(evt_http_requests_total{route="/accounts/{id}/deposits",method="POST",status="409"} 1)"}));
  const std::string deposits = R"(route="/accounts/{id}/deposits",method="POST")";
  const auto buckets = samples(text, "evt_http_request_duration_seconds_bucket");
  ASSERT_EQ(buckets.size(), 2 * (evt::metrics::requests::buckets.size() + 1));
  const auto bucket = [&](const std::string& le) {
    const auto line = "evt_http_request_duration_seconds_bucket{" + deposits + ",le=\"" + le + "\"} ";
    for (const auto& sample : buckets) {
      if (sample.starts_with(line)) return sample.substr(line.size());
    }
    return std::string{"missing"};
  };
  EXPECT_EQ(bucket("0.005"), "1");
  EXPECT_EQ(bucket("0.025"), "1");
  EXPECT_EQ(bucket("0.05"), "2");
  EXPECT_EQ(bucket("1"), "2");
  EXPECT_EQ(bucket("2.5"), "3");
  EXPECT_EQ(bucket("+Inf"), "3");
  EXPECT_EQ(samples(text, "evt_http_request_duration_seconds_count"),
            (std::vector<std::string>{R"(evt_http_request_duration_seconds_count{route="/accounts/{id}",method="GET"} 1)",
                                      "evt_http_request_duration_seconds_count{" + deposits + "} 3"}));
  EXPECT_NE(text.find("# TYPE evt_http_request_duration_seconds histogram\n"), std::string::npos);
  EXPECT_THROW(metrics.add(requests), evt::error);
}

}  // namespace
