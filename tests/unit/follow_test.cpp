#include <evt/message/follow.hpp>

#include <gtest/gtest.h>

#include <string>

namespace {

EVT_MESSAGE(Deposit, (std::string, deposit_id), (std::string, account_id), (std::int64_t, amount));
EVT_MESSAGE(Deposited, (std::string, deposit_id), (std::string, account_id), (std::int64_t, amount),
            (std::int64_t, sequence));
EVT_MESSAGE(Summary, (std::string, account_id));

Deposit some_deposit() {
  Deposit deposit{.deposit_id = "d1", .account_id = "a1", .amount = 100};
  deposit.metadata = evt::metadata{.message_id = "id-1",
                                   .stream_name = "account:command-a1",
                                   .position = 1,
                                   .global_position = 2,
                                   .correlation_stream_name = "c-1",
                                   .reply_stream_name = "r-1",
                                   .schema_version = "1"};
  deposit.metadata.set_property("p", 1);
  deposit.metadata.set_local_property("reserved", "id-0");
  return deposit;
}

TEST(Follow, CopiesEveryFieldAndFollowsTheMetadata) {
  const auto deposited = evt::follow<Deposited>(some_deposit());
  EXPECT_EQ(deposited.deposit_id, "d1");
  EXPECT_EQ(deposited.account_id, "a1");
  EXPECT_EQ(deposited.amount, 100);
  EXPECT_EQ(deposited.sequence, 0);
  EXPECT_TRUE(deposited.metadata.follows(some_deposit().metadata));
  EXPECT_EQ(deposited.metadata.message_id, std::nullopt) << "the id is never copied";
  EXPECT_EQ(*deposited.metadata.property("p"), 1);
  EXPECT_EQ(deposited.metadata.local_property("reserved"), nullptr);
  EXPECT_EQ(deposited.metadata.schema_version, std::nullopt);
}

TEST(Copy, CopiesTheFieldsBothHaveAndNotTheMetadataByDefault) {
  const auto deposited = evt::copy<Deposited>(some_deposit());
  EXPECT_EQ(deposited.deposit_id, "d1");
  EXPECT_EQ(deposited.amount, 100);
  EXPECT_EQ(deposited.metadata, evt::metadata{});
  EXPECT_EQ(evt::copy<Summary>(some_deposit()).account_id, "a1") << "non-strict: missing fields are skipped";
}

TEST(Copy, HonoursIncludeAndExclude) {
  const auto included = evt::copy<Deposited>(some_deposit(), {.include = {"deposit_id"}});
  EXPECT_EQ(included.deposit_id, "d1");
  EXPECT_EQ(included.account_id, "");
  const auto excluded = evt::copy<Deposited>(some_deposit(), {.exclude = {"amount"}});
  EXPECT_EQ(excluded.account_id, "a1");
  EXPECT_EQ(excluded.amount, 0);
}

TEST(Copy, AnUnknownFieldNameIsAnError) {
  try {
    evt::copy<Deposited>(some_deposit(), {.include = {"depositId"}});
    FAIL() << "a misspelt field name was accepted";
  } catch (const evt::error& error) {
    EXPECT_EQ(std::string{error.what()}, "Cannot copy: Deposit has no field depositId");
  }
}

TEST(Copy, StrictRefusesAFieldTheReceiverLacks) {
  try {
    evt::copy<Summary>(some_deposit(), {.strict = true});
    FAIL() << "copied into a message without the field";
  } catch (const evt::error& error) {
    EXPECT_EQ(std::string{error.what()},
              "Cannot copy: the receiving message has no field deposit_id (Source Type: Deposit, Receiver Type: Summary)");
  }
  EXPECT_EQ(evt::copy<Summary>(some_deposit(), {.include = {"account_id"}, .strict = true}).account_id, "a1");
}

TEST(Copy, WithMetadataCopiesWorkflowSchemaAndBothPropertySetsButNotTheSource) {
  const auto copied = evt::copy<Deposited>(some_deposit(), {.metadata = true});
  EXPECT_EQ(copied.metadata.correlation_stream_name, "c-1");
  EXPECT_EQ(copied.metadata.reply_stream_name, "r-1");
  EXPECT_EQ(copied.metadata.schema_version, "1");
  EXPECT_EQ(*copied.metadata.property("p"), 1);
  EXPECT_EQ(*copied.metadata.local_property("reserved"), "id-0");
  EXPECT_EQ(copied.metadata.stream_name, std::nullopt);
  EXPECT_EQ(copied.metadata.message_id, std::nullopt);
}

TEST(Correlate, MakesAnEmptyMessageCorrelatedToAStream) {
  const auto deposit = evt::correlate<Deposit>("accountTransaction-1");
  EXPECT_EQ(deposit.metadata.correlation_stream_name, "accountTransaction-1");
  EXPECT_EQ(deposit.deposit_id, "");
  EXPECT_TRUE(deposit.metadata.is_correlated("accountTransaction"));
}

}  // namespace
