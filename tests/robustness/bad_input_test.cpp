// Bad input reaching a running consumer or a writer: each gets a clear,
// typed error naming where it is, and nothing is lost. A consumer parks a
// message it cannot decode (a copy with the error in its dead-letter
// category) and goes on; with parking off, the message stays, the position
// does not pass it, and what follows is handled once the application
// decides (SPEC 5.6).
#include <evt/consumer/consumer.hpp>
#include <evt/dead_letter/dead_letter.hpp>
#include <evt/error.hpp>
#include <evt/handler/handler.hpp>
#include <evt/message/conversion.hpp>
#include <evt/store/get.hpp>
#include <evt/store/put.hpp>
#include <evt/stream_name.hpp>
#include <evt/write/writer.hpp>

#include "support/database.hpp"
#include "support/names.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

namespace {

using namespace evt::test;

EVT_MESSAGE(Noted, (std::string, text), (std::int64_t, count));

struct Notes : evt::handler {
  std::vector<Noted> handled;
  explicit Notes(bool strict) : evt::handler{"Notes", strict} {
    handle<Noted>([this](const Noted& noted) { handled.push_back(noted); });
  }
};

struct fixture {
  evt::store::session session{{.conninfo = conninfo()}};
  std::string category = unique_category();
  std::vector<std::string> log;

  // Writes rows of (type, data) to streams of the category, one each.
  std::vector<std::string> write(const std::vector<std::pair<std::string, std::string>>& rows) {
    std::vector<std::string> streams;
    for (const auto& [type, data] : rows) {
      streams.push_back(stream_name(category, unique_id()));
      evt::store::put(session, {.type = type, .data = data}, streams.back());
    }
    return streams;
  }

  // A Noted of this data between two good ones; their streams.
  std::vector<std::string> write_between_good_ones(const std::string& wrong) {
    return write({{"Noted", R"({"text": "first", "count": 1})"}, {"Noted", wrong}, {"Noted", R"({"text": "third", "count": 3})"}});
  }

  evt::consumer::settings settings(
      std::function<void(std::exception_ptr, const evt::store::message_data&)> error_raised = nullptr) {
    return {.category = category,
            .identifier = "badInput",
            .position_update_interval = 1,
            .log = [this](const std::string& line) { log.push_back(line); },
            .error_raised = std::move(error_raised)};
  }

  // Writes `noted` through the writer to a new stream of the category, runs
  // a consumer over it, and returns what it handled; `stream` is where.
  std::vector<Noted> handled_after_writing(const Noted& noted, std::string& stream) {
    stream = stream_name(category, unique_id());
    evt::writer::build(session)(noted, stream);
    Notes notes{true};
    evt::consumer consumer{session, settings()};
    consumer.add_handler(notes);
    consumer.run_until_caught_up();
    return notes.handled;
  }

  std::optional<std::int64_t> recorded(const evt::consumer& consumer) {
    const auto last = evt::store::get_last(session, consumer.position_stream_name());
    if (!last) return std::nullopt;
    return nlohmann::json::parse(*last->data).at("position").get<std::int64_t>();
  }
};

std::int64_t global_position_of(evt::store::session& session, const std::string& stream) {
  return evt::store::get_stream(session, stream).at(0).global_position;
}

const std::vector<std::string> wrong_shapes{R"({"text": 5, "count": 1})", R"({"text": "a", "count": "many"})",
                                            R"({"text": "a", "count": 1.5})", R"({"count": 1})", "[1, 2]", R"("text")",
                                            "null", R"({"text": "a", "count": 99999999999999999999})"};

TEST(BadInput, DataOfTheWrongShapeIsParkedNamingStreamPositionAndFieldAndTheConsumerGoesOn) {
  for (const auto& wrong : wrong_shapes) {
    fixture f;
    const auto streams = f.write_between_good_ones(wrong);
    Notes notes{true};
    evt::consumer consumer{f.session, f.settings()};
    consumer.add_handler(notes);
    EXPECT_EQ(consumer.run_until_caught_up(), 3) << wrong;
    ASSERT_EQ(notes.handled.size(), 2u) << wrong;
    EXPECT_EQ(notes.handled[1].text, "third");
    EXPECT_EQ(consumer.telemetry().parked, 1);

    const auto parked = evt::dead_letter::parked(f.session, f.category);
    ASSERT_EQ(parked.size(), 1u) << wrong;
    const auto original = evt::store::get_stream(f.session, streams[1]).at(0);
    EXPECT_EQ(parked[0].original, original) << "type, data, metadata, id, stream, positions: as it was";
    EXPECT_EQ(parked[0].dead_letter.stream_name, evt::dead_letter::category_of(f.category) + "-" + std::string{*evt::id(streams[1])});
    EXPECT_EQ(parked[0].reason.error_class, "evt::decode_error");
    EXPECT_NE(parked[0].reason.error.find("Stream: " + streams[1] + ", Position: 0, Type: Noted, Field: "),
              std::string::npos)
        << parked[0].reason.error;
    EXPECT_EQ(parked[0].reason.by, consumer.position_stream_name());
    EXPECT_EQ(parked[0].reason.attempts, 1);
    ASSERT_GE(f.log.size(), 2u);
    EXPECT_NE(f.log[1].find("Error Class: evt::decode_error"), std::string::npos) << f.log[1];
    EXPECT_NE(f.log[1].find("; parked in " + parked[0].dead_letter.stream_name), std::string::npos) << f.log[1];

  }
}

TEST(BadInput, WithParkingOffDataOfTheWrongShapeStopsTheConsumerAndLosesNothing) {
  for (const auto& wrong : wrong_shapes) {
    fixture f;
    const auto streams = f.write_between_good_ones(wrong);
    Notes notes{true};
    auto settings = f.settings();
    settings.parking = evt::consumer::parking::none;
    evt::consumer consumer{f.session, settings};
    consumer.add_handler(notes);
    try {
      consumer.run_until_caught_up();
      FAIL() << "decoded " << wrong;
    } catch (const evt::decode_error& error) {
      EXPECT_EQ(error.stream_name(), streams[1]) << wrong;
      EXPECT_EQ(error.position(), 0) << wrong;
      EXPECT_EQ(error.type(), "Noted");
      EXPECT_FALSE(error.field().empty()) << wrong;
    }
    ASSERT_EQ(notes.handled.size(), 1u) << wrong;
    EXPECT_EQ(f.recorded(consumer), global_position_of(f.session, streams[0])) << "not past the bad message: " << wrong;
    ASSERT_FALSE(f.log.empty());
    EXPECT_NE(f.log.back().find("Error Class: evt::decode_error"), std::string::npos) << f.log.back();
    EXPECT_TRUE(evt::dead_letter::parked(f.session, f.category).empty());

    // Nothing lost: started again, the consumer meets the same message, and
    // an application that chooses to skip it goes on to the next.
    Notes again{true};
    std::vector<std::string> skipped;
    auto skipping_settings = f.settings([&](std::exception_ptr, const evt::store::message_data& m) {
      skipped.push_back(m.stream_name);
    });
    skipping_settings.parking = evt::consumer::parking::none;
    evt::consumer skipping{f.session, skipping_settings};
    skipping.add_handler(again);
    skipping.run_until_caught_up();
    EXPECT_EQ(skipped, (std::vector<std::string>{streams[1]})) << wrong;
    ASSERT_EQ(again.handled.size(), 2u) << "the recorded first again (at least once) and the third";
    EXPECT_EQ(again.handled[1].text, "third");
  }
}

TEST(BadInput, AnUnknownTypeStopsAStrictHandlerAndPassesANonStrictOne) {
  for (const bool strict : {true, false}) {
    fixture f;
    const auto streams = f.write({{"Unheard", R"({"anything": true})"}, {"Noted", R"({"text": "after", "count": 2})"}});
    Notes notes{strict};
    evt::consumer consumer{f.session, f.settings()};
  consumer.add_handler(notes);
    if (strict) {
      EXPECT_THROW(consumer.run_until_caught_up(), evt::error);
      EXPECT_TRUE(notes.handled.empty());
      EXPECT_EQ(f.recorded(consumer), std::nullopt) << "nothing recorded: the unknown message is read again";
      ASSERT_FALSE(f.log.empty());
      EXPECT_NE(f.log.back().find("Type: Unheard, Stream Name: " + streams[0] + ", Position: 0"), std::string::npos)
          << f.log.back();
    } else {
      EXPECT_EQ(consumer.run_until_caught_up(), 2);
      ASSERT_EQ(notes.handled.size(), 1u);
      EXPECT_EQ(notes.handled[0].text, "after");
    }
  }
}

TEST(BadInput, AMessageOfOneMebibyteIsWrittenReadAndHandledWhole) {
  fixture f;
  const std::string big(1 << 20, 'x');
  std::string stream;
  const auto handled = f.handled_after_writing(Noted{.text = big, .count = 1}, stream);
  ASSERT_EQ(handled.size(), 1u);
  EXPECT_EQ(handled[0].text, big);
  EXPECT_EQ(evt::store::get_stream(f.session, stream).at(0).data->size(), big.size() + 24);
}

TEST(BadInput, NonAsciiKeysAndValuesSurviveTheStoreByteForByte) {
  fixture f;
  const std::string text = "Zoë paid 5 € — 東京 🚀 \"quoted\" \\ \t";
  std::string stream;
  const auto handled = f.handled_after_writing(Noted{.text = text, .count = 7}, stream);
  ASSERT_EQ(handled.size(), 1u);
  EXPECT_EQ(handled[0].text, text);

  // Keys too, as another client might write them; and a non-ASCII id.
  const auto other = stream_name(f.category, "ключ-" + unique_id());
  evt::store::put(f.session, {.type = "Noted", .data = R"({"text": "x", "count": 1, "名前": "値"})"}, other);
  const auto row = evt::store::get_stream(f.session, other).at(0);
  EXPECT_EQ(nlohmann::json::parse(*row.data).at("名前"), "値");
  EXPECT_EQ(row.stream_name, other);
  EXPECT_EQ(evt::import_message<Noted>(row).count, 1);
}

TEST(BadInput, TextThatIsNotUtf8IsRefusedBeforeTheStoreAndWritesNothing) {
  fixture f;
  auto writer = evt::writer::build(f.session);
  const auto stream = stream_name(f.category, unique_id());
  try {
    writer(Noted{.text = "caf\xe9", .count = 1}, stream);  // Latin-1, not UTF-8
    FAIL() << "wrote text that is not UTF-8";
  } catch (const evt::error& error) {
    EXPECT_EQ(std::string{error.what()}.rfind("Cannot write the data of Noted as JSON: a string in it is not valid UTF-8", 0),
              0u)
        << error.what();
  }
  // Raw data that is not UTF-8: the server refuses it with a store error.
  EXPECT_THROW(evt::store::put(f.session, {.type = "Noted", .data = "{\"text\": \"caf\xe9\"}"}, stream), evt::store_error);
  EXPECT_FALSE(evt::store::stream_version(f.session, stream).has_value());
}

TEST(BadInput, InvalidStreamNamesAreRefusedWithTheirNameAndWriteNothing) {
  fixture f;
  auto writer = evt::writer::build(f.session);
  for (const auto& invalid : {std::string{}, std::string{"with\0nul", 8}}) {
    try {
      writer(Noted{.text = "t", .count = 1}, invalid);
      FAIL() << "wrote to an invalid stream name";
    } catch (const evt::error& error) {
      EXPECT_NE(std::string{error.what()}.find("Stream"), std::string::npos) << error.what();
    }
  }
  // Readers refuse the wrong kind of name: a category where a stream is
  // needed and the other way round.
  EXPECT_THROW(evt::store::get_stream(f.session, f.category), evt::stream_name_error);
  EXPECT_THROW(evt::store::get_category(f.session, stream_name(f.category, "1")), evt::stream_name_error);
  // An id that is not a UUID: the server's refusal, typed.
  EXPECT_THROW(evt::store::put(f.session, {.type = "Noted", .id = "not-a-uuid"}, stream_name(f.category, "2")),
               evt::store_error);
  EXPECT_FALSE(evt::store::stream_version(f.session, stream_name(f.category, "2")).has_value());
}

}  // namespace
