// What a consumer does with a message it cannot handle (evt::error_kind):
// transient errors are waited for, poison messages parked in one
// transaction with the position past them, a handler's own errors stop it
// unless the application opts in to parking them too; parked messages are
// replayed once their cause is fixed.
#include <evt/consumer/consumer.hpp>
#include <evt/dead_letter/dead_letter.hpp>
#include <evt/consumer/position_store.hpp>
#include <evt/error.hpp>
#include <evt/handler/dependency.hpp>
#include <evt/handler/handler.hpp>
#include <evt/store/get.hpp>
#include <evt/store/put.hpp>
#include <evt/uuid.hpp>

#include "support/database.hpp"
#include "support/names.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <stdexcept>
#include <string_view>
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

TEST(Parking, AConflictIsHandledAgainWithFreshStateAndBackoffAndNotParkedWhenItResolves) {
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
  EXPECT_EQ(f.lines[0].rfind("Error raised (Error Class: evt::expected_version_error", 0), 0u) << f.lines[0];
  EXPECT_NE(f.lines[0].find("; a conflict: handled again with fresh state in 5 ms (Retry 1 of 5)"), std::string::npos)
      << f.lines[0];
  EXPECT_NE(f.lines[1].find("; a conflict: handled again with fresh state in 10 ms (Retry 2 of 5)"), std::string::npos)
      << f.lines[1];
}

// A conflict that fresh state does not resolve (a handler's bug, a cache
// that is not forgotten) is no reason to stop every other message: it is
// parked with its reason once the retries are used up.
TEST(Parking, AConflictThatNeverResolvesIsParkedAfterItsRetriesAndTheNextMessagesAreHandled) {
  fixture f;
  const auto streams = f.write(2);
  std::vector<std::string> handled;
  auto settings = f.settings();
  settings.conflict_retries = 3;
  evt::consumer consumer{f.session, settings};
  consumer.add_handler([&](const evt::store::message_data& m) {
    if (m.stream_name == streams[0]) throw evt::expected_version_error{"account-1", 1, 2};
    handled.push_back(m.stream_name);
  });
  EXPECT_EQ(consumer.run_until_caught_up(), 2);
  EXPECT_EQ(handled, std::vector<std::string>{streams[1]});
  const auto parked = evt::dead_letter::parked(f.session, f.category);
  ASSERT_EQ(parked.size(), 1u);
  EXPECT_EQ(parked[0].original.stream_name, streams[0]);
  EXPECT_EQ(parked[0].reason.error_class, "evt::expected_version_error");
  EXPECT_EQ(parked[0].reason.attempts, 4) << "the first attempt and three retries";
  EXPECT_TRUE(parked[0].reason.replayable);
}

// Usually races between writers of an application's own rows: tried again
// before anything is parked; a timeout too, where it used to stop the consumer.
TEST(Parking, ARaceOnAUniqueKeyOrATimeoutIsTriedAgainBeforeItIsParked) {
  fixture f;
  const auto streams = f.write(3);
  std::map<std::string, int> attempts;
  std::vector<std::string> handled;
  evt::consumer consumer{f.session, f.settings()};
  consumer.add_handler([&](const evt::store::message_data& m) {
    const auto attempt = ++attempts[m.stream_name];
    if (m.stream_name == streams[0] && attempt == 1) {
      throw evt::store_error{"duplicate key value violates unique constraint \"balances_pkey\"", "23505"};
    }
    if (m.stream_name == streams[1]) throw evt::store_error{"canceling statement due to statement timeout", "57014"};
    handled.push_back(m.stream_name);
  });
  EXPECT_EQ(consumer.run_until_caught_up(), 3);
  EXPECT_EQ(handled, (std::vector<std::string>{streams[0], streams[2]})) << "the race resolved on its second attempt";
  const auto parked = evt::dead_letter::parked(f.session, f.category);
  ASSERT_EQ(parked.size(), 1u);
  EXPECT_EQ(parked[0].original.stream_name, streams[1]);
  EXPECT_EQ(parked[0].reason.sqlstate, "57014");
  EXPECT_EQ(parked[0].reason.attempts, 6);
}

// What a handler's dependencies keep of the stream that conflicted is
// forgotten before the message is handled again (an entity written through
// its cache would otherwise be just as stale the next time).
struct remembering {
  std::vector<std::string> forgotten;
  int forgot_everything = 0;
  static remembering substitute() { return {}; }
  void configure(evt::store::session&) {}
  void forget_stream(std::string_view stream) { forgotten.emplace_back(stream); }
  void forget_everything() { ++forgot_everything; }
};

struct Remembering : evt::handler {
  evt::dependency<remembering> cache{*this};
  int conflicts = 1;
  Remembering() {
    handle_raw([this](const evt::store::message_data&) {
      if (conflicts-- > 0) throw evt::expected_version_error{"account-9", 1, 2};
    });
  }
};

TEST(Parking, AConflictMakesTheHandlersForgetWhatTheyHoldOfItsStream) {
  fixture f;
  f.write(1);
  Remembering handler;
  evt::consumer consumer{f.session, f.settings()};
  consumer.add_handler(handler);
  EXPECT_EQ(consumer.run_until_caught_up(), 1);
  EXPECT_EQ(handler.cache.forgotten, std::vector<std::string>{"account-9"});
  EXPECT_EQ(consumer.telemetry().handled, 1);
}

// Parked, then delivered again (its position written back by hand, as a
// change of group size or a lost history can): the letter's id, derived
// from the consumer and the message, finds it parked already.
TEST(Parking, AParkedMessageDeliveredAgainIsParkedOnce) {
  fixture f;
  f.write(2);
  for (int run = 0; run < 2; ++run) {
    evt::consumer consumer{f.session, f.settings()};
    consumer.add_handler([](const evt::store::message_data& m) {
      if (m.position == 0 && m.data == R"({"n": 0})") throw evt::invalid_message_error{"refused"};
    });
    EXPECT_EQ(consumer.run_until_caught_up(), 2);
    evt::store::put(f.session, evt::position_store::recorded(1), consumer.position_stream_name());
  }
  EXPECT_EQ(evt::dead_letter::parked(f.session, f.category).size(), 1u);
  EXPECT_NE(std::find_if(f.lines.begin(), f.lines.end(),
                         [](const std::string& line) { return line.find("; parked before, in ") != std::string::npos; }),
            f.lines.end());
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
  EXPECT_EQ(handled[0].metadata, R"({"localProperties": {"replayOf": ")" + parked[0].dead_letter.id + R"("}})")
      << "the original's metadata (none), and which letter it replays";
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

// A letter's id is derived from public names: another writer may have
// taken it. The letter is then written with a random id, not taken for
// written before.
TEST(Parking, ALetterWhoseIdAnotherWriterTookIsWrittenAllTheSame) {
  fixture f;
  const auto streams = f.write(1);
  const auto message = evt::store::get_stream(f.session, streams[0]).at(0);
  evt::consumer consumer{f.session, f.settings()};
  evt::store::put(f.session,
                  {.type = "Squatter", .data = "{}",
                   .id = evt::dead_letter::letter_id(evt::position_store::stream_name(f.category, "parking"), message)},
                  stream_name(f.category + "Elsewhere", "1"));
  consumer.add_handler([](const evt::store::message_data&) { throw evt::invalid_message_error{"refused"}; });
  EXPECT_EQ(consumer.run_until_caught_up(), 1);
  const auto parked = evt::dead_letter::parked(f.session, f.category);
  ASSERT_EQ(parked.size(), 1u);
  EXPECT_EQ(parked[0].original.id, message.id);
}

}  // namespace
