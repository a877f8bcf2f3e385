// The writer's substitute: what handler tests inspect instead of a database.
#include <evt/write/writer.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using json = nlohmann::json;

EVT_MESSAGE(Deposited, (std::string, deposit_id), (std::int64_t, amount));
EVT_MESSAGE(Withdrawn, (std::string, withdrawal_id));

TEST(WriterSubstitute, RecordsEachMessageWithStreamAndExpectedVersion) {
  auto write = evt::writer::substitute();
  EXPECT_TRUE(write.is_substitute());
  EXPECT_EQ(write(Deposited{.deposit_id = "d1", .amount = 5}, "account-1", 3), 4);
  EXPECT_EQ(write(Withdrawn{.withdrawal_id = "w1"}, "account-1"), 5);
  ASSERT_EQ(write.written().size(), 2u);
  EXPECT_EQ(write.written()[0].stream_name, "account-1");
  EXPECT_EQ(write.written()[0].expected, 3);
  EXPECT_EQ(write.written()[0].message.type, "Deposited");
  EXPECT_EQ(json::parse(*write.written()[0].message.data), (json{{"depositId", "d1"}, {"amount", 5}}));
  EXPECT_EQ(write.written()[0].message.id->size(), 36u) << "every written message gets an id";
  EXPECT_EQ(write.written()[1].expected, std::nullopt);
}

TEST(WriterSubstitute, AnswersPositionsPerStreamAndBatches) {
  auto write = evt::writer::substitute();
  const std::vector<Deposited> batch{{.deposit_id = "d1"}, {.deposit_id = "d2"}, {.deposit_id = "d3"}};
  EXPECT_EQ(write(batch, "account-1"), 2);
  EXPECT_EQ(write(Deposited{.deposit_id = "d4"}, "account-2"), 0);
  EXPECT_EQ(write(Deposited{.deposit_id = "d5"}, "account-1"), 3);
}

TEST(WriterSubstitute, InitialExpectsNoStream) {
  auto write = evt::writer::substitute();
  write.initial(Deposited{.deposit_id = "d1"}, "account-1");
  EXPECT_EQ(write.written().at(0).expected, evt::no_stream);
  write.initial(std::vector<Deposited>{{.deposit_id = "d2"}, {.deposit_id = "d3"}}, "account-2");
  EXPECT_EQ(write.written().at(1).expected, evt::no_stream);
  EXPECT_EQ(write.written().size(), 3u);
}

TEST(WriterSubstitute, RefusesAnExpectedVersionTheStreamIsNotAtAsTheStoreDoes) {
  auto write = evt::writer::substitute();
  write.initial(Deposited{.deposit_id = "d1"}, "account-1");
  try {
    write.initial(Deposited{.deposit_id = "d1"}, "account-1");
    FAIL() << "a second initial() on one stream";
  } catch (const evt::expected_version_error& error) {
    EXPECT_EQ(error.stream_name(), "account-1");
    EXPECT_EQ(error.expected(), evt::no_stream);
    EXPECT_EQ(error.actual(), 0);
  }
  EXPECT_THROW(write(Deposited{.deposit_id = "d2"}, "account-1", 5), evt::expected_version_error);
  EXPECT_EQ(write.written().size(), 1u) << "a refused write records nothing";
  EXPECT_EQ(write(Deposited{.deposit_id = "d2"}, "account-2", 6), 7)
      << "a stream it never wrote to is where the test's other substitutes say";
  EXPECT_THROW(write(Deposited{.deposit_id = "d2"}, "account-2", 6), evt::expected_version_error);
  const std::vector<Deposited> batch{{.deposit_id = "d3"}, {.deposit_id = "d4"}};
  EXPECT_EQ(write(batch, "account-1", 0), 2) << "a batch expects the version before its first message";
  EXPECT_EQ(write(Deposited{.deposit_id = "d5"}, "account-1", 2), 3);
  EXPECT_THROW(write(std::vector<Deposited>{}, "account-1"), evt::error) << "an empty batch, as the store says";
}

TEST(WriterSubstitute, ABatchWithAReplyStreamNameCarriesItInEachMessage) {
  auto write = evt::writer::substitute();
  write(std::vector<Deposited>{{.deposit_id = "d1"}, {.deposit_id = "d2"}}, "account-1", std::nullopt, "replies-1");
  for (const auto& deposited : write.messages<Deposited>()) EXPECT_EQ(deposited.metadata.reply_stream_name, "replies-1");
}

TEST(WriterSubstitute, FindsTheOneMessageOfAType) {
  auto write = evt::writer::substitute();
  EXPECT_EQ(write.one_message<Deposited>(), std::nullopt);
  write(Deposited{.deposit_id = "d1", .amount = 7}, "account-1");
  write(Withdrawn{.withdrawal_id = "w1"}, "account-1");
  const auto deposited = write.one_message<Deposited>();
  ASSERT_TRUE(deposited);
  EXPECT_EQ(deposited->amount, 7);
  EXPECT_EQ(deposited->metadata.stream_name, "account-1");
  write(Deposited{.deposit_id = "d2"}, "account-1");
  EXPECT_EQ(write.messages<Deposited>().size(), 2u);
  EXPECT_THROW(write.one_message<Deposited>(), evt::error);
}

TEST(WriterSubstitute, CanBeToldToRefuseTheNextWrite) {
  auto write = evt::writer::substitute();
  write.raise_expected_version_error();
  try {
    write(Deposited{.deposit_id = "d1"}, "account-1", 4);
    FAIL() << "not refused";
  } catch (const evt::expected_version_error& error) {
    EXPECT_EQ(error.expected(), 4);
    EXPECT_EQ(error.actual(), 5) << "as if another writer had just written";
  }
  EXPECT_TRUE(write.written().empty());
  EXPECT_EQ(write(Deposited{.deposit_id = "d1"}, "account-1"), 0) << "only the next write is refused";
}

TEST(Writer, WritesWithAReplyStreamNameInTheMetadata) {
  auto write = evt::writer::substitute();
  const Deposited deposited{.deposit_id = "d1"};
  write(deposited, "account-1", std::nullopt, "replies-1");
  EXPECT_EQ(write.written().at(0).reply_stream_name, "replies-1");
  EXPECT_EQ(write.one_message<Deposited>()->metadata.reply_stream_name, "replies-1");
  EXPECT_EQ(deposited.metadata.reply_stream_name, std::nullopt) << "the caller's message is left alone";
}

TEST(WriterReply, WritesToTheReplyStreamAndClearsIt) {
  auto write = evt::writer::substitute();
  Deposited deposited{.deposit_id = "d1"};
  deposited.metadata.reply_stream_name = "replies-1";
  write.reply(deposited);
  EXPECT_EQ(deposited.metadata.reply_stream_name, std::nullopt);
  ASSERT_EQ(write.replied().size(), 1u);
  EXPECT_EQ(write.replied()[0].stream_name, "replies-1");
  EXPECT_EQ(write.written().size(), 1u);
  EXPECT_EQ(write.one_message<Deposited>()->metadata.reply_stream_name, std::nullopt);
}

TEST(WriterReply, AFailedReplyKeepsTheReplyStreamNameToTryAgain) {
  auto write = evt::writer::substitute();
  Deposited deposited{.deposit_id = "d1"};
  deposited.metadata.reply_stream_name = "replies-1";
  write.raise_expected_version_error();
  EXPECT_THROW(write.reply(deposited), evt::expected_version_error);
  EXPECT_EQ(deposited.metadata.reply_stream_name, "replies-1");
  EXPECT_TRUE(write.replied().empty());
  write.reply(deposited);
  EXPECT_EQ(write.replied().at(0).stream_name, "replies-1");
  EXPECT_EQ(deposited.metadata.reply_stream_name, std::nullopt);
}

TEST(WriterReply, WithoutAReplyStreamNameIsAnError) {
  auto write = evt::writer::substitute();
  Deposited deposited{.deposit_id = "d1"};
  try {
    write.reply(deposited);
    FAIL() << "replied to nowhere";
  } catch (const evt::error& error) {
    EXPECT_EQ(std::string{error.what()}, "Message has no reply stream name. Cannot reply. (Message Type: Deposited)");
  }
  EXPECT_TRUE(write.written().empty());
}

}  // namespace
