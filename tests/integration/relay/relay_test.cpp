// The outbox relay: a category's messages delivered to a sink at least
// once, in order, with retries, a dead-letter category and its position.
#include <evt/dead_letter/dead_letter.hpp>
#include <evt/error.hpp>
#include <evt/relay/file_sink.hpp>
#include <evt/relay/relay.hpp>
#include <evt/relay/webhook_sink.hpp>
#include <evt/store/put.hpp>
#include <evt/store/session.hpp>
#include <evt/stream_name.hpp>

#include "support/application_table.hpp"
#include "support/database.hpp"
#include "support/http_receiver.hpp"
#include "support/names.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using namespace evt::test;
using namespace std::chrono_literals;
using json = nlohmann::json;

// What a sink was given: the message ids in order, and whether flagged.
struct recording_sink final : evt::relay::sink {
  std::vector<std::string> ids;
  std::vector<bool> redeliveries;
  std::vector<std::int64_t> attempts;
  int failures_left = 0;         // the next deliveries that fail
  bool crash_after_next = false; // deliver, then "crash" before the relay records it

  struct crash {};

  void deliver(const evt::relay::delivery& delivery) override {
    attempts.push_back(delivery.attempt);
    if (failures_left > 0) {
      --failures_left;
      throw std::runtime_error{"receiver unavailable"};
    }
    ids.push_back(delivery.message.id);
    redeliveries.push_back(delivery.redelivery);
    if (std::exchange(crash_after_next, false)) throw crash{};
  }
};

struct outbox {
  evt::store::session session{{.conninfo = conninfo()}};
  std::string category = unique_category("order");
  std::vector<std::string> written;  // ids, in order
  std::vector<std::chrono::milliseconds> slept;
  std::vector<std::string> logged;

  void write(int count) {
    for (int i = 0; i < count; ++i) {
      const auto id = unique_id();
      evt::store::put(session, {.type = "OrderPlaced", .data = R"({"n": )" + std::to_string(written.size()) + "}", .id = id},
                      evt::stream_name(category, std::string{"o"}.append(std::to_string(written.size() % 3))));
      written.push_back(id);
    }
  }
  evt::relay::relay relay(evt::relay::sink& sink, std::int64_t max_attempts = 5) {
    return evt::relay::relay{session, sink,
                             {.name = "webhook", .category = category, .batch_size = 4, .max_attempts = max_attempts,
                              .log = [this](const std::string& line) { logged.push_back(line); },
                              .sleep = [this](std::chrono::milliseconds d) { slept.push_back(d); }}};
  }
};

TEST(Relay, DeliversEveryMessageOnceInOrderAndRecordsItsPositionAfterEach) {
  outbox o;
  o.write(10);
  recording_sink sink;
  auto relay = o.relay(sink);
  EXPECT_EQ(relay.catch_up(), 10);
  EXPECT_EQ(sink.ids, o.written);
  EXPECT_EQ(relay.position(), database{}.category(o.category).back().global_position);
  EXPECT_EQ(database{}.stream(relay.position_stream_name()).size(), 10u);
  EXPECT_EQ(relay.telemetry().delivered, 10);
  EXPECT_EQ(relay.catch_up(), 0);
  o.write(2);
  EXPECT_EQ(relay.catch_up(), 2);
  EXPECT_EQ(sink.ids, o.written);
  // Only the first delivery after a start may have been delivered before.
  EXPECT_EQ(sink.redeliveries.front(), true);
  EXPECT_EQ(std::count(sink.redeliveries.begin(), sink.redeliveries.end(), true), 1);
}

TEST(Relay, AFailingDeliveryIsRetriedWithDoublingDelaysAndLaterMessagesWait) {
  outbox o;
  o.write(3);
  recording_sink sink;
  sink.failures_left = 3;
  auto relay = o.relay(sink);
  EXPECT_EQ(relay.catch_up(), 3);
  EXPECT_EQ(sink.ids, o.written);  // in order: the others waited
  EXPECT_EQ(o.slept, (std::vector<std::chrono::milliseconds>{100ms, 200ms, 400ms}));
  EXPECT_EQ(relay.telemetry().retries, 3);
  ASSERT_EQ(o.logged.size(), 3u);
  EXPECT_NE(o.logged[0].find("Delivery failed: receiver unavailable (Stream: " + o.category + "-o0"), std::string::npos)
      << o.logged[0];
  EXPECT_NE(o.logged[0].find("retrying in 100 ms (Retry 1 of 4)"), std::string::npos) << o.logged[0];

  // A failed attempt may have reached the receiver all the same: the retry
  // that gets through is flagged (the first after the start is, anyway).
  o.write(2);
  sink.failures_left = 1;
  EXPECT_EQ(relay.catch_up(), 2);
  EXPECT_EQ(sink.redeliveries, (std::vector<bool>{true, false, false, true, false}));
  EXPECT_EQ(relay.telemetry().possible_redeliveries, 2);
}

TEST(Relay, AfterItsLastAttemptAMessageGoesToTheDeadLetterCategoryAndTheRelayGoesOn) {
  outbox o;
  o.write(3);
  recording_sink sink;
  sink.failures_left = 3;  // every attempt of the first message
  auto relay = o.relay(sink, 3);
  EXPECT_EQ(relay.catch_up(), 3);
  EXPECT_EQ(sink.ids, (std::vector<std::string>{o.written[1], o.written[2]}));
  EXPECT_EQ(relay.telemetry().dead_lettered, 1);
  EXPECT_EQ(relay.dead_letter_category(), o.category + ":deadLetter");
  const auto dead = database{}.stream(o.category + ":deadLetter-o0");
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].type, "OrderPlaced");
  EXPECT_EQ(json::parse(*dead[0].data), json::parse(R"({"n": 0})"));
  const auto letter = json::parse(*dead[0].metadata).at("deadLetter");
  EXPECT_EQ(letter.at("messageId"), o.written[0]);
  EXPECT_EQ(letter.at("streamName"), o.category + "-o0");
  EXPECT_EQ(letter.at("error"), "receiver unavailable");
  EXPECT_EQ(letter.at("attempts"), 3);
  EXPECT_EQ(relay.position(), database{}.category(o.category).back().global_position);

  // The consumers' dead-letter shape: listed with its reason; not replayed
  // into its stream, where it would be a second message.
  const auto parked = evt::dead_letter::parked(o.session, o.category);
  ASSERT_EQ(parked.size(), 1u);
  EXPECT_EQ(parked[0].original.id, o.written[0]);
  EXPECT_EQ(parked[0].original.stream_name, o.category + "-o0");
  EXPECT_EQ(parked[0].reason.parker, evt::dead_letter::parker::relay);
  EXPECT_EQ(parked[0].reason.by, relay.position_stream_name());
  EXPECT_EQ(parked[0].reason.error_class, "std::runtime_error");
  EXPECT_EQ(parked[0].reason.error, "receiver unavailable");
  EXPECT_EQ(parked[0].reason.attempts, 3);
  EXPECT_THROW(evt::dead_letter::replay(o.session, parked[0]), evt::error);
  EXPECT_EQ(database{}.stream(o.category + "-o0").size(), 1u);
}

TEST(Relay, ReadsTheDeadLettersItWroteBeforeParkingWasShared) {
  outbox o;
  o.write(1);
  const auto original = database{}.stream(o.category + "-o0").at(0);
  // As relays wrote them: the original's metadata, "deadLetter" added.
  database{}.write_json(o.category + ":deadLetter-o0", "OrderPlaced", *original.data,
                       (R"({"correlationStreamName": "checkout", "deadLetter": {"streamName": ")" + original.stream_name +
                     R"(", "position": 0, "globalPosition": )" + std::to_string(original.global_position) +
                     R"(, "messageId": ")" + original.id +
                     R"(", "relay": "webhook", "error": "receiver unavailable", "attempts": 5}})")
                           .c_str());
  const auto parked = evt::dead_letter::parked(o.session, o.category);
  ASSERT_EQ(parked.size(), 1u);
  EXPECT_EQ(parked[0].original.id, original.id);
  EXPECT_EQ(parked[0].original.metadata, R"({"correlationStreamName":"checkout"})");
  EXPECT_EQ(parked[0].reason.parker, evt::dead_letter::parker::relay);
  EXPECT_EQ(parked[0].reason.by, "webhook");
  EXPECT_EQ(parked[0].reason.error, "receiver unavailable");
  EXPECT_EQ(parked[0].reason.attempts, 5);
}

TEST(Relay, AfterAStopBetweenDeliveryAndRecordTheMessageIsDeliveredAgainFlagged) {
  outbox o;
  o.write(5);
  recording_sink sink;
  {
    auto relay = o.relay(sink);
    // Deliver two, then "crash" right after delivering the third.
    int delivered = 0;
    try {
      relay.catch_up([&] {
        if (delivered++ == 2) sink.crash_after_next = true;
        return false;
      });
    } catch (const recording_sink::crash&) {
    }
  }
  auto restarted = o.relay(sink);
  EXPECT_EQ(restarted.catch_up(), 3);
  // Every message, the third twice: the second time flagged.
  EXPECT_EQ(sink.ids, (std::vector<std::string>{o.written[0], o.written[1], o.written[2], o.written[2], o.written[3],
                                                o.written[4]}));
  EXPECT_EQ(sink.redeliveries[3], true);
  EXPECT_EQ(restarted.telemetry().possible_redeliveries, 1);
}

TEST(Relay, MessagesCommittedWithTheApplicationsRowsAreDeliveredAndRolledBackOnesNever) {
  outbox o;
  application_table orders;
  o.session.transaction([&](evt::store::transaction& t) {
    t.execute("INSERT INTO public." + orders.name + " VALUES ($1, $2)", {"o1", "100"});
    evt::store::put(t, {.type = "OrderPlaced", .data = "{}"}, evt::stream_name(o.category, "o1"));
  });
  EXPECT_THROW(o.session.transaction([&](evt::store::transaction& t) {
    t.execute("INSERT INTO public." + orders.name + " VALUES ($1, $2)", {"o2", "5"});
    evt::store::put(t, {.type = "OrderPlaced", .data = "{}"}, evt::stream_name(o.category, "o2"));
    throw std::runtime_error{"the order was refused"};
  }), std::runtime_error);
  recording_sink sink;
  auto relay = o.relay(sink);
  EXPECT_EQ(relay.catch_up(), 1);
  EXPECT_EQ(orders.rows(), 1);
}

TEST(FileSink, AppendsOneJsonLinePerDeliveryWithTheMessageId) {
  outbox o;
  o.write(2);
  const auto path = std::filesystem::temp_directory_path() / ("evt-sink-" + unique_id());
  {
    evt::relay::file_sink sink{path.string()};
    auto relay = o.relay(sink);
    relay.catch_up();
  }
  std::ifstream file{path};
  std::vector<json> lines;
  for (std::string line; std::getline(file, line);) lines.push_back(json::parse(line));
  std::filesystem::remove(path);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].at("id"), o.written[0]);
  EXPECT_EQ(lines[0].at("type"), "OrderPlaced");
  EXPECT_EQ(lines[0].at("data"), json::parse(R"({"n": 0})"));
  EXPECT_EQ(lines[0].at("streamName"), o.category + "-o0");
  EXPECT_EQ(lines[0].at("redelivery"), true);
  EXPECT_EQ(lines[1].at("redelivery"), false);
  EXPECT_THROW(evt::relay::file_sink{"/nonexistent/dir/file"}, evt::error);
}

TEST(WebhookSink, PostsEachMessageWithItsIdAsIdempotencyKeyAndRetriesWhatIsRefused) {
  outbox o;
  o.write(2);
  http_receiver receiver{{500, 503}};
  evt::relay::webhook_sink sink{{.url = receiver.url()}};
  auto relay = o.relay(sink);
  EXPECT_EQ(relay.catch_up(), 2);
  const auto got = receiver.requests();
  ASSERT_EQ(got.size(), 4u);  // two refused, then both delivered
  EXPECT_EQ(got[2].headers.at("idempotency-key"), o.written[0]);
  EXPECT_EQ(got[2].headers.at("evt-redelivery"), "true");
  EXPECT_EQ(got[3].headers.at("idempotency-key"), o.written[1]);
  EXPECT_EQ(got[3].headers.at("content-type"), "application/json");
  EXPECT_EQ(json::parse(got[3].body).at("id"), o.written[1]);
  ASSERT_EQ(o.logged.size(), 2u);
  EXPECT_NE(o.logged[0].find("Webhook did not take the message (URL: " + receiver.url() + ", Message Id: " +
                             o.written[0] + ", Cause: HTTP status 500)"),
            std::string::npos)
      << o.logged[0];

  evt::relay::webhook_sink nowhere{{.url = "http://127.0.0.1:1/hook", .timeout = 2s}};
  const evt::store::message_data message{.id = "m1"};
  EXPECT_THROW(nowhere.deliver({.message = message}), evt::error);
}

}  // namespace
