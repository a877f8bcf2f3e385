// evt::metrics::endpoint against a real store, scraped over HTTP: the lag
// of each consumer group member is its share, measured on the endpoint's
// own session; what cannot be served or measured says so.
#include <evt/consumer/consumer.hpp>
#include <evt/error.hpp>
#include <evt/metrics/endpoint.hpp>
#include <evt/metrics/registry.hpp>
#include <evt/store/get.hpp>
#include <evt/store/put.hpp>

#include "support/database.hpp"
#include "support/names.hpp"

#include <gtest/gtest.h>
#include <httplib.h>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace evt::test;

// The value of the one sample of `name` whose labels include `labels`.
std::optional<std::string> value_of(const std::string& text, const std::string& name, const std::string& labels) {
  std::istringstream lines{text};
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with(name + "{") && line.find(labels) != std::string::npos) return line.substr(line.rfind(' ') + 1);
  }
  return std::nullopt;
}

httplib::Result get(const evt::metrics::endpoint& endpoint, const std::string& path = "/metrics") {
  httplib::Client client{"127.0.0.1", endpoint.port()};
  return client.Get(path);
}

TEST(MetricsEndpoint, ServesEachGroupMembersLagAsItsShareMeasuredOnItsOwnSession) {
  evt::store::session writing{{.conninfo = conninfo()}};
  const auto category = unique_category("metricsGroup");
  const auto write = [&](int count) {
    for (int i = 0; i < count; ++i) {
      evt::store::put(writing, {.type = "Noted", .data = "{}"}, stream_name(category, "s" + std::to_string(i % 8)));
    }
  };
  write(16);
  std::vector<std::unique_ptr<evt::store::session>> sessions;
  std::vector<std::unique_ptr<evt::consumer>> members;
  evt::metrics::registry registry;
  for (std::int64_t member = 0; member < 2; ++member) {
    sessions.push_back(std::make_unique<evt::store::session>(evt::store::settings{.conninfo = conninfo()}));
    members.push_back(std::make_unique<evt::consumer>(
        *sessions.back(), evt::consumer::settings{.category = category,
                                                  .identifier = "metrics",
                                                  .consumer_group = evt::store::consumer_group{.member = member, .size = 2}}));
    members.back()->add_handler([](const evt::store::message_data&) {});
    members.back()->run_until_caught_up();
    registry.add(*members.back());
  }
  write(24);  // after every member caught up: each is behind by its share of these

  const evt::metrics::endpoint endpoint{registry, {.port = 0, .store = {.conninfo = conninfo()}}};
  const auto response = get(endpoint);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  std::int64_t behind = 0;
  for (std::int64_t member = 0; member < 2; ++member) {
    const auto position = members[static_cast<std::size_t>(member)]->telemetry().position();
    const auto share = evt::store::get_category(
        writing, category,
        {.position = position + 1, .batch_size = -1, .consumer_group = evt::store::consumer_group{.member = member, .size = 2}});
    const auto labels = "consumer_group_member=\"" + std::to_string(member) + "\",consumer_group_size=\"2\"";
    EXPECT_EQ(value_of(response->body, "evt_consumer_lag_messages", labels), std::to_string(share.size()))
        << response->body;
    EXPECT_EQ(value_of(response->body, "evt_consumer_position", labels), std::to_string(position));
    EXPECT_EQ(value_of(response->body, "evt_consumer_messages_handled_total", labels),
              std::to_string(members[static_cast<std::size_t>(member)]->telemetry().handled));
    EXPECT_GT(share.size(), 0u) << "streams s0 .. s7 fall to both members";
    behind += static_cast<std::int64_t>(share.size());
  }
  EXPECT_EQ(behind, 24) << "the shares add up to what was written after";
  EXPECT_EQ(members[0]->telemetry().handled + members[1]->telemetry().handled, 16);
}

TEST(MetricsEndpoint, AnswersOnlyGetMetrics) {
  evt::metrics::registry registry;
  const evt::metrics::endpoint endpoint{registry, {.port = 0, .store = {.conninfo = conninfo()}}};
  EXPECT_EQ(endpoint.url(), "http://127.0.0.1:" + std::to_string(endpoint.port()) + "/metrics");
  const auto elsewhere = get(endpoint, "/");
  ASSERT_TRUE(elsewhere);
  EXPECT_EQ(elsewhere->status, 404);
}

TEST(MetricsEndpoint, APortInUseIsAnErrorNamingTheAddressAndPort) {
  evt::metrics::registry registry;
  const evt::metrics::endpoint first{registry, {.port = 0, .store = {.conninfo = conninfo()}}};
  try {
    const evt::metrics::endpoint second{registry, {.port = first.port(), .store = {.conninfo = conninfo()}}};
    FAIL() << "a second endpoint on port " << first.port();
  } catch (const evt::error& refused) {
    EXPECT_EQ(std::string{refused.what()}, "Cannot serve metrics (Address: 127.0.0.1, Port: " + std::to_string(first.port()) +
                                               ", Cause: Address already in use)");
  }
}

TEST(MetricsEndpoint, ALagThatCannotBeMeasuredIsLoggedAndLeftOutTheRestServed) {
  evt::consumer::counts counts;
  counts.resume_at(4);
  evt::metrics::registry registry;
  registry.add({.category = "account", .position_stream = "account:position-x"}, counts);
  std::vector<std::string> logged;
  const evt::metrics::endpoint endpoint{
      registry,
      {.port = 0, .store = {.conninfo = "host=/nonexistent"}, .log = [&](const std::string& line) { logged.push_back(line); }}};
  const auto response = get(endpoint);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(value_of(response->body, "evt_consumer_position", "category=\"account\""), "4");
  EXPECT_FALSE(value_of(response->body, "evt_consumer_lag_messages", "category=\"account\""));
  ASSERT_EQ(logged.size(), 1u);
  EXPECT_TRUE(logged[0].starts_with("Lag not measured (Category: account, Position Stream: account:position-x, Error: "))
      << logged[0];
  EXPECT_NE(logged[0].find("/nonexistent"), std::string::npos) << logged[0];
}

}  // namespace
