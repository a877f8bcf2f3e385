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
  evt::writer write;
  EXPECT_TRUE(write.is_substitute());
  EXPECT_EQ(write(Deposited{.deposit_id = "d1", .amount = 5}, "account-1", 3), 0);
  EXPECT_EQ(write(Withdrawn{.withdrawal_id = "w1"}, "account-1"), 1);
  ASSERT_EQ(write.written().size(), 2u);
  EXPECT_EQ(write.written()[0].stream_name, "account-1");
  EXPECT_EQ(write.written()[0].expected, 3);
  EXPECT_EQ(write.written()[0].message.type, "Deposited");
  EXPECT_EQ(json::parse(*write.written()[0].message.data), (json{{"depositId", "d1"}, {"amount", 5}}));
  EXPECT_EQ(write.written()[0].message.id->size(), 36u) << "every written message gets an id";
  EXPECT_EQ(write.written()[1].expected, std::nullopt);
}

TEST(WriterSubstitute, AnswersPositionsPerStreamAndBatches) {
  evt::writer write;
  const std::vector<Deposited> batch{{.deposit_id = "d1"}, {.deposit_id = "d2"}, {.deposit_id = "d3"}};
  EXPECT_EQ(write(batch, "account-1"), 2);
  EXPECT_EQ(write(Deposited{.deposit_id = "d4"}, "account-2"), 0);
  EXPECT_EQ(write(Deposited{.deposit_id = "d5"}, "account-1"), 3);
}

TEST(WriterSubstitute, InitialExpectsNoStream) {
  evt::writer write;
  write.initial(Deposited{.deposit_id = "d1"}, "account-1");
  EXPECT_EQ(write.written().at(0).expected, evt::no_stream);
  write.initial(std::vector<Deposited>{{.deposit_id = "d2"}, {.deposit_id = "d3"}}, "account-2");
  EXPECT_EQ(write.written().at(1).expected, evt::no_stream);
  EXPECT_EQ(write.written().size(), 3u);
}

TEST(WriterSubstitute, ABatchWithAReplyStreamNameCarriesItInEachMessage) {
  evt::writer write;
  write(std::vector<Deposited>{{.deposit_id = "d1"}, {.deposit_id = "d2"}}, "account-1", std::nullopt, "replies-1");
  for (const auto& deposited : write.messages<Deposited>()) EXPECT_EQ(deposited.metadata.reply_stream_name, "replies-1");
}

TEST(WriterSubstitute, FindsTheOneMessageOfAType) {
  evt::writer write;
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
  evt::writer write;
  write.raise_expected_version_error();
  EXPECT_THROW(write(Deposited{.deposit_id = "d1"}, "account-1", 4), evt::expected_version_error);
  EXPECT_TRUE(write.written().empty());
  EXPECT_EQ(write(Deposited{.deposit_id = "d1"}, "account-1"), 0) << "only the next write is refused";
}

TEST(Writer, WritesWithAReplyStreamNameInTheMetadata) {
  evt::writer write;
  const Deposited deposited{.deposit_id = "d1"};
  write(deposited, "account-1", std::nullopt, "replies-1");
  EXPECT_EQ(write.written().at(0).reply_stream_name, "replies-1");
  EXPECT_EQ(write.one_message<Deposited>()->metadata.reply_stream_name, "replies-1");
  EXPECT_EQ(deposited.metadata.reply_stream_name, std::nullopt) << "the caller's message is left alone";
}

TEST(WriterReply, WritesToTheReplyStreamAndClearsIt) {
  evt::writer write;
  Deposited deposited{.deposit_id = "d1"};
  deposited.metadata.reply_stream_name = "replies-1";
  write.reply(deposited);
  EXPECT_EQ(deposited.metadata.reply_stream_name, std::nullopt);
  ASSERT_EQ(write.replied().size(), 1u);
  EXPECT_EQ(write.replied()[0].stream_name, "replies-1");
  EXPECT_EQ(write.written().size(), 1u);
  EXPECT_EQ(write.one_message<Deposited>()->metadata.reply_stream_name, std::nullopt);
}

TEST(WriterReply, WithoutAReplyStreamNameIsAnError) {
  evt::writer write;
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
