// What a consumer does with a message it cannot handle (evt::error_kind):
// transient errors are waited for, poison messages parked in one
// transaction with the position past them, a handler's own errors stop it
// unless the application opts in to parking them too; parked messages are
// replayed once their cause is fixed.
#include <evt/consumer/consumer.hpp>
#include <evt/dead_letter/dead_letter.hpp>
#include <evt/error.hpp>
#include <evt/store/get.hpp>
#include <evt/store/put.hpp>
#include <evt/uuid.hpp>

#include "support/database.hpp"
#include "support/names.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>
#include <vector>

namespace {

using namespace evt::test;

struct fixture {
  evt::store::session session{{.conninfo = conninfo()}};
  std::string category = unique_category();
  std::vector<std::string> lines;

  // One message each, to a new stream of the category; their streams.
  std::vector<std::string> write(int count) {
    std::vector<std::string> streams;
    for (int i = 0; i < count; ++i) {
      streams.push_back(stream_name(category, unique_id()));
      evt::store::put(session, {.type = "SomeType", .data = R"({"n": )" + std::to_string(i) + "}"}, streams.back());
    }
    return streams;
  }

  evt::consumer::settings settings() {
    return {.category = category,
            .identifier = "parking",
            .transient_retry_delay = std::chrono::milliseconds{5},
            .log = [this](const std::string& line) { lines.push_back(line); }};
  }

  std::optional<std::int64_t> recorded(const evt::consumer& consumer) {
    const auto last = evt::store::get_last(session, consumer.position_stream_name());
    if (!last) return std::nullopt;
    return nlohmann::json::parse(*last->data).at("position").get<std::int64_t>();
  }

  std::int64_t global_position_of(const std::string& stream) {
    return evt::store::get_stream(session, stream).at(0).global_position;
  }
};

TEST(Parking, ATransientErrorIsHandledAgainWithBackoffAndNeverParked) {
  fixture f;
  const auto streams = f.write(2);
  int attempts = 0;
  std::vector<std::string> handled;
  evt::consumer consumer{f.session, f.settings()};
  consumer.add_handler([&](const evt::store::message_data& m) {
    if (m.stream_name == streams[0] && ++attempts < 3) throw evt::expected_version_error{"account-1", 4, 5};
    handled.push_back(m.stream_name);
  });
  EXPECT_EQ(consumer.run_until_caught_up(), 2);
  EXPECT_EQ(handled, streams);
  EXPECT_EQ(consumer.telemetry().parked, 0);
  EXPECT_TRUE(evt::dead_letter::parked(f.session, f.category).empty());
  ASSERT_GE(f.lines.size(), 2u);
  EXPECT_EQ(f.lines[0].rfind("Transient error (evt::expected_version_error); retrying in 5 ms (Category: " + f.category, 0), 0u)
      << f.lines[0];
  EXPECT_EQ(f.lines[1].rfind("Transient error (evt::expected_version_error); retrying in 10 ms", 0), 0u) << f.lines[1];
}

TEST(Parking, APoisonMessageIsParkedWithItsReasonAndThePositionMovesPastItInOneTransaction) {
  fixture f;
  const auto streams = f.write(3);
  std::vector<std::string> handled;
  evt::consumer consumer{f.session, f.settings()};
  consumer.add_handler([&](const evt::store::message_data& m) {
    if (m.stream_name == streams[1]) throw evt::invalid_message_error{"Amount must be greater than zero"};
    handled.push_back(m.stream_name);
  });
  EXPECT_EQ(consumer.run_until_caught_up(), 3);
  EXPECT_EQ(handled, (std::vector<std::string>{streams[0], streams[2]}));
  const auto parked = evt::dead_letter::parked(f.session, f.category);
  ASSERT_EQ(parked.size(), 1u);
  EXPECT_EQ(parked[0].original.stream_name, streams[1]);
  EXPECT_EQ(parked[0].original.global_position, f.global_position_of(streams[1]));
  EXPECT_EQ(parked[0].reason.error_class, "evt::invalid_message_error");
  EXPECT_EQ(parked[0].reason.error, "Amount must be greater than zero");
  EXPECT_EQ(parked[0].reason.sqlstate, std::nullopt);
  // The position written with the parked copy is just past it: a consumer
  // restarted there never meets it again.
  const auto positions = database{}.sql(
      "SELECT data::text FROM message_store.messages WHERE stream_name = $1 ORDER BY position",
      consumer.position_stream_name());
  ASSERT_GE(positions.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(positions[0][0].as<std::string>()).at("position"),
            f.global_position_of(streams[1]) + 1);
  const auto parked_at = database{}.sql(
      "SELECT (SELECT xmin FROM message_store.messages WHERE id = $1::uuid)::text = "
      "(SELECT xmin FROM message_store.messages WHERE stream_name = $2 ORDER BY position LIMIT 1)::text",
      parked[0].dead_letter.id, consumer.position_stream_name());
  EXPECT_TRUE(parked_at[0][0].as<bool>()) << "the copy and the position in one transaction";
  EXPECT_EQ(f.recorded(consumer), f.global_position_of(streams[2]));
}

TEST(Parking, TheDatabaseRefusingAWriteForTheMessagesContentIsPoison) {
  fixture f;
  const auto streams = f.write(2);
  evt::consumer consumer{f.session, f.settings()};
  consumer.add_handler([&](const evt::store::message_data& m) {
    // The message names an id that is no UUID, which its handler writes with.
    const auto id = m.stream_name == streams[0] ? std::string{"not-a-uuid"} : evt::test::unique_id();
    evt::store::put(f.session, {.type = "Echoed", .id = id}, stream_name(f.category + ":echo", "1"));
  });
  EXPECT_EQ(consumer.run_until_caught_up(), 2);
  const auto parked = evt::dead_letter::parked(f.session, f.category);
  ASSERT_EQ(parked.size(), 1u);
  EXPECT_EQ(parked[0].reason.error_class, "evt::store_error");
  ASSERT_TRUE(parked[0].reason.sqlstate);
  EXPECT_EQ(parked[0].reason.sqlstate->substr(0, 2), "22") << *parked[0].reason.sqlstate;
}

TEST(Parking, AHandlersOwnErrorStopsTheConsumerUnlessTheApplicationOptsInToParkingIt) {
  fixture f;
  const auto streams = f.write(2);
  const auto bug = [&](const evt::store::message_data& m) {
    if (m.stream_name == streams[0]) throw std::logic_error{"a bug"};
  };
  {
    evt::consumer consumer{f.session, f.settings()};
    consumer.add_handler(bug);
    EXPECT_THROW(consumer.run_until_caught_up(), std::logic_error);
    EXPECT_EQ(f.recorded(consumer), std::nullopt);
  }
  auto settings = f.settings();
  settings.parking = evt::consumer::parking::all;
  settings.handler_retries = 1;
  settings.handler_retry_delay = std::chrono::milliseconds{1};
  evt::consumer consumer{f.session, settings};
  consumer.add_handler(bug);
  EXPECT_EQ(consumer.run_until_caught_up(), 2);
  const auto parked = evt::dead_letter::parked(f.session, f.category);
  ASSERT_EQ(parked.size(), 1u);
  EXPECT_EQ(parked[0].reason.error_class, "std::logic_error");
  EXPECT_EQ(parked[0].reason.attempts, 2) << "the first attempt and one retry";
}

TEST(Parking, WithParkingOffAPoisonMessageGoesToErrorRaisedAsAnyError) {
  fixture f;
  f.write(1);
  auto settings = f.settings();
  settings.parking = evt::consumer::parking::none;
  evt::consumer consumer{f.session, settings};
  consumer.add_handler([](const evt::store::message_data&) { throw evt::invalid_message_error{"refused"}; });
  EXPECT_THROW(consumer.run_until_caught_up(), evt::invalid_message_error);
  EXPECT_TRUE(evt::dead_letter::parked(f.session, f.category).empty());
}

TEST(Parking, AParkedMessageReplayedOnceItsCauseIsFixedIsHandledAndOnlyOnce) {
  fixture f;
  const auto streams = f.write(1);
  bool fixed = false;
  std::vector<evt::store::message_data> handled;
  evt::consumer consumer{f.session, f.settings()};
  consumer.add_handler([&](const evt::store::message_data& m) {
    if (!fixed) throw evt::invalid_message_error{"not yet"};
    handled.push_back(m);
  });
  consumer.run_until_caught_up();
  const auto parked = evt::dead_letter::parked(f.session, f.category);
  ASSERT_EQ(parked.size(), 1u);

  fixed = true;
  const auto position = evt::dead_letter::replay(f.session, parked[0]);
  ASSERT_EQ(position, 1) << "the original stream's next position";
  EXPECT_EQ(evt::dead_letter::replay(f.session, parked[0]), std::nullopt) << "a second replay writes nothing";
  EXPECT_EQ(consumer.run_until_caught_up(), 1);
  ASSERT_EQ(handled.size(), 1u);
  EXPECT_EQ(handled[0].stream_name, streams[0]);
  EXPECT_EQ(handled[0].data, parked[0].original.data);
  EXPECT_EQ(handled[0].metadata, parked[0].original.metadata);
}

TEST(Parking, AMessageOfAnIdTooLongForItsDeadLetterStreamIsParkedAllTheSame) {
  fixture f;
  const auto long_stream = stream_name(f.category, std::string(2000, 'x'));
  evt::store::put(f.session, {.type = "SomeType", .data = "{}"}, long_stream);
  evt::consumer consumer{f.session, f.settings()};
  consumer.add_handler([](const evt::store::message_data&) {
    throw evt::invalid_message_error{"refused"};
  });
  EXPECT_EQ(consumer.run_until_caught_up(), 1);
  const auto parked = evt::dead_letter::parked(f.session, f.category);
  ASSERT_EQ(parked.size(), 1u);
  EXPECT_EQ(parked[0].original.stream_name, long_stream);
  EXPECT_EQ(parked[0].dead_letter.stream_name,
            evt::dead_letter::category_of(f.category) + "-" + evt::name_uuid(std::string(2000, 'x')))
      << "an id that would not fit the index beside the dead-letter category";
  EXPECT_EQ(parked[0].reason.error, "refused");
}

TEST(Parking, TheDeadLetterKeepsMetadataThatIsNotAnObjectAsItWasForTheReplay) {
  fixture f;
  const auto stream = stream_name(f.category, unique_id());
  database{}.write_json(stream, "SomeType", "{}", "\"text\"");
  evt::consumer consumer{f.session, f.settings()};
  consumer.add_handler([](const evt::store::message_data& m) {
    if (m.metadata && m.metadata->front() != '{') throw evt::decode_error{m.stream_name, m.position, m.type, "metadata", "not a JSON object"};
  });
  consumer.run_until_caught_up();
  const auto parked = evt::dead_letter::parked(f.session, f.category);
  ASSERT_EQ(parked.size(), 1u);
  EXPECT_EQ(parked[0].original.metadata, "\"text\"");
  EXPECT_EQ(nlohmann::json::parse(*parked[0].dead_letter.metadata).size(), 1u) << "only deadLetter";
}

}  // namespace
