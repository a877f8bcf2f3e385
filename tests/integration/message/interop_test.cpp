// Ruby Eventide and evt-cpp read each other's streams: what our writer
// stores has the shapes of SPEC 11, and rows in the exact shape Ruby writes
// read back as typed messages with their metadata.
#include <evt/message/conversion.hpp>
#include <evt/message/follow.hpp>
#include <evt/store/get.hpp>
#include <evt/write/writer.hpp>

#include "support/database.hpp"
#include "support/names.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using namespace evt::test;
using json = nlohmann::json;
using namespace std::chrono;

EVT_MESSAGE(Deposit, (std::string, deposit_id), (std::string, account_id), (evt::money, amount), (evt::time_point, time));
EVT_MESSAGE(Deposited, (std::string, deposit_id), (std::string, account_id), (evt::money, amount),
            (evt::time_point, time), (evt::time_point, processed_time), (std::int64_t, sequence));

const auto some_time = evt::time_point{sys_days{year{2026} / 11 / 22} + 19h + 57min + 11s + 268ms};

json stored(database& db, const std::string& stream, const char* column) {
  const auto row = db.sql("SELECT " + std::string{column} + "::text FROM message_store.messages WHERE stream_name = $1",
                          stream);
  return row[0][0].is_null() ? json(nullptr) : json::parse(row[0][0].as<std::string>());
}

TEST(Interop, OurCommandIsStoredAsRubyStoresIt) {
  evt::store::session session{{.conninfo = conninfo()}};
  auto write = evt::writer::build(session);
  write.record_telemetry();
  const auto account = unique_id();
  const auto stream = "account:command-" + account;
  write(Deposit{.deposit_id = "d1", .account_id = account, .amount = 100, .time = some_time}, stream);

  database db;
  EXPECT_EQ(stored(db, stream, "data"), (json{{"depositId", "d1"}, {"accountId", account}, {"amount", 100},
                                              {"time", "2026-11-22T19:57:11.268Z"}}));
  EXPECT_EQ(stored(db, stream, "metadata"), json(nullptr)) << "empty metadata is NULL";
  EXPECT_EQ(db.stream(stream).at(0).type, "Deposit");
  EXPECT_EQ(db.stream(stream).at(0).id, write.written().at(0).message.id);
}

TEST(Interop, AnEventFollowingACommandCarriesCausationAndNoLocalProperties) {
  evt::store::session session{{.conninfo = conninfo()}};
  auto write = evt::writer::build(session);
  const auto account = unique_id();
  const auto command_stream = "account:command-" + account;
  auto command = Deposit{.deposit_id = "d1", .account_id = account, .amount = evt::money::parse("11.5"), .time = some_time};
  command.metadata.set_local_property("reserved", "original-id");
  write(command, command_stream);

  const auto read = evt::import_message<Deposit>(evt::store::get_stream(session, command_stream).at(0));
  EXPECT_EQ(read, command);
  auto deposited = evt::follow<Deposited>(read);
  deposited.processed_time = some_time;
  deposited.sequence = *read.metadata.global_position;
  write(deposited, "account-" + account);

  database db;
  EXPECT_EQ(stored(db, "account-" + account, "metadata"),
            (json{{"causationMessageStreamName", command_stream},
                  {"causationMessagePosition", 0},
                  {"causationMessageGlobalPosition", *read.metadata.global_position}}));
  EXPECT_EQ(stored(db, "account-" + account, "data")["amount"].dump(), "11.5");
}

TEST(Interop, ARowAsRubyWritesItReadsAsATypedMessage) {
  database db;
  const auto account = unique_id();
  const auto stream = "account:command-" + account + "+d1";
  const auto id = unique_id();
  db.sql("SELECT message_store.write_message($1, $2, 'Deposit', $3, $4)", id, stream,
         R"({"depositId":"d1","accountId":")" + account + R"(","amount":100,"time":"2026-11-22T19:57:11.268Z"})",
         R"({"causationMessageStreamName":"account:command-)" + account +
             R"(","causationMessagePosition":1,"causationMessageGlobalPosition":2,"correlationStreamName":"accountTransaction-9","properties":{"someProperty":"x"},"localProperties":{"reserved":")" +
             id + R"("}})");

  evt::store::session session{{.conninfo = conninfo()}};
  const auto deposit = evt::import_message<Deposit>(evt::store::get_stream(session, stream).at(0));
  EXPECT_EQ(deposit.deposit_id, "d1");
  EXPECT_EQ(deposit.account_id, account);
  EXPECT_EQ(deposit.amount, evt::money{100});
  EXPECT_EQ(deposit.time, some_time);
  EXPECT_EQ(deposit.metadata.message_id, id);
  EXPECT_EQ(deposit.metadata.stream_name, stream);
  EXPECT_EQ(deposit.metadata.position, 0);
  EXPECT_EQ(deposit.metadata.causation_message_stream_name, "account:command-" + account);
  EXPECT_EQ(deposit.metadata.causation_message_position, 1);
  EXPECT_EQ(deposit.metadata.causation_message_global_position, 2);
  EXPECT_EQ(deposit.metadata.correlation_stream_name, "accountTransaction-9");
  EXPECT_EQ(*deposit.metadata.property("some_property"), "x");
  EXPECT_EQ(*deposit.metadata.local_property("reserved"), id);
  EXPECT_TRUE(deposit.metadata.is_correlated("accountTransaction"));
}

TEST(Interop, TheWritersExpectedVersionReachesTheStore) {
  evt::store::session session{{.conninfo = conninfo()}};
  auto write = evt::writer::build(session);
  write.record_telemetry();
  const auto stream = unique_stream_name();
  EXPECT_EQ(write.initial(Deposit{.deposit_id = "d1"}, stream), 0);
  EXPECT_THROW(write.initial(Deposit{.deposit_id = "d2"}, stream), evt::expected_version_error);
  EXPECT_EQ(write(Deposit{.deposit_id = "d2"}, stream, 0), 1);
  EXPECT_EQ(write.written().size(), 2u) << "the refused write is not recorded";
}

}  // namespace
