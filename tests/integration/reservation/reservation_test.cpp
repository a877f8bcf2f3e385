// The reservation pattern against the real store, through a consumer: the
// command is copied once per key into its category, and the block runs when
// the copy comes back (SPEC 1.4, 1.5, 10).
#include <evt/consumer/consumer.hpp>
#include <evt/dead_letter/dead_letter.hpp>
#include <evt/error.hpp>
#include <evt/idempotence_key.hpp>
#include <evt/handler/dependency.hpp>
#include <evt/handler/handler.hpp>
#include <evt/reservation/reservation.hpp>
#include <evt/stream_name.hpp>
#include <evt/write/writer.hpp>

#include "support/database.hpp"
#include "support/names.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

namespace {

using namespace evt::test;
using json = nlohmann::json;

EVT_MESSAGE(Deposit, (std::string, deposit_id), (std::string, account_id), (evt::money, amount),
            (std::optional<std::string>, note));

struct Commands : evt::handler {
  evt::dependency<evt::reservation> reservation{*this};
  std::vector<Deposit> handled;
  std::set<std::string> originals;  // deposit ids of the commands as issued

  Commands() {
    handle<Deposit>([this](const Deposit& deposit) {
      if (!evt::reservation::is_reserved(deposit.metadata, deposit.deposit_id)) originals.insert(deposit.deposit_id);
      reservation(deposit, &Deposit::deposit_id, [this](const Deposit& reserved) { handled.push_back(reserved); });
    });
  }
};

struct fixture {
  evt::store::session session{{.conninfo = conninfo()}};
  evt::writer write = evt::writer::build(session);
  std::string category = unique_category("account") + ":command";
  std::string account = unique_id();
  std::string command_stream = evt::stream_name(category, account);
  Commands commands;
  evt::consumer consumer{session, {.category = category}};

  fixture() { consumer.add_handler(commands); }

  void issue(const std::string& deposit_id) {
    write(Deposit{.deposit_id = deposit_id, .account_id = account, .amount = evt::money::parse("10")}, command_stream);
  }

  // As another client writes it (SPEC 11): raw JSON, any metadata.
  void write_raw(const std::string& stream, const std::string& data, const char* metadata = nullptr) {
    database{}.write_json(stream, "Deposit", data, metadata);
  }
};

TEST(Reservation, TheCopyIsTheFirstMessageOfTheKeysStreamAndRunsTheBlockWhenItComesBack) {
  fixture f;
  f.issue("d1");
  EXPECT_EQ(f.consumer.run_until_caught_up(), 2) << "the command, then its copy";
  ASSERT_EQ(f.commands.handled.size(), 1u);
  const auto& reserved = f.commands.handled[0];
  EXPECT_EQ(reserved.metadata.stream_name, f.command_stream + "+d1");
  EXPECT_EQ(reserved.metadata.position, 0);
  EXPECT_TRUE(evt::reservation::is_reserved(reserved.metadata, "d1"));
  EXPECT_EQ(f.commands.reservation.telemetry().reserved, 1);
  EXPECT_EQ(f.commands.reservation.telemetry().handled, 1);
}

TEST(Reservation, TheCopyAsStoredHasTheOriginalsDataAndTheWireMetadataOfSpec11) {
  fixture f;
  f.issue("d1");
  f.consumer.run_until_caught_up();
  database db;
  const auto original = db.stream(f.command_stream).at(0);
  const auto copies = db.stream(f.command_stream + "+d1");
  ASSERT_EQ(copies.size(), 1u);
  EXPECT_EQ(copies[0].type, "Deposit");
  EXPECT_NE(copies[0].id, original.id);
  EXPECT_EQ(json::parse(*copies[0].data), json::parse(*original.data));
  EXPECT_EQ(json::parse(*copies[0].metadata), (json{{"causationMessageStreamName", f.command_stream},
                                                    {"causationMessagePosition", 0},
                                                    {"causationMessageGlobalPosition", original.global_position},
                                                    {"localProperties", {{"reserved", original.id}}}}));
}

TEST(Reservation, TheSameKeyIssuedAgainIsIgnoredNothingWrittenAndTheBlockRunsOnce) {
  fixture f;
  std::vector<std::string> lines;
  f.commands.reservation.set_log([&](const std::string& line) { lines.push_back(line); });
  f.issue("d1");
  f.issue("d1");
  f.issue("d2");
  f.issue("d1");
  f.consumer.run_until_caught_up();
  EXPECT_EQ(f.commands.handled.size(), 2u) << "d1 and d2 once each";
  EXPECT_EQ(database{}.stream(f.command_stream + "+d1").size(), 1u) << "nothing at position 1";
  EXPECT_EQ(f.commands.reservation.telemetry().ignored, 2);
  const auto ignored = std::count_if(lines.begin(), lines.end(), [&](const std::string& line) {
    return line.find(" ignored, output stream " + f.command_stream + "+d1 exists") != std::string::npos;
  });
  EXPECT_EQ(ignored, 2);
}

TEST(Reservation, InABatchsTransactionAKeyReservedBeforeIsIgnoredWithoutRollingTheBatchBack) {
  fixture f;
  f.issue("d1");
  f.consumer.run_until_caught_up();
  evt::consumer batches{f.session, {.category = f.category, .identifier = "batches",
                                    .commits = evt::consumer::commits::per_batch}};
  Commands commands;
  batches.add_handler(commands);
  // Only the commands as issued: the copy of d1 was handled above.
  f.issue("d1");
  f.issue("d2");
  f.issue("d1");
  f.issue("d3");
  batches.run_until_caught_up();
  EXPECT_EQ(batches.telemetry().errors, 0) << "no write failed: the stream was looked for first";
  EXPECT_EQ(batches.telemetry().rollbacks, 0);
  EXPECT_EQ(commands.reservation.telemetry().ignored, 3) << "d1 twice after it was reserved, and its copy's original";
  EXPECT_EQ(commands.reservation.telemetry().reserved, 2);
  const auto together = database{}.sql(
      "SELECT count(DISTINCT xmin::text) FROM message_store.messages WHERE stream_name IN ($1, $2)",
      f.command_stream + "+d2", f.command_stream + "+d3");
  EXPECT_EQ(together[0][0].as<int>(), 1) << "d2 and d3 reserved in one transaction, around the duplicates";
}

TEST(Reservation, ErrorsOtherThanAnExistingStreamPropagate) {
  evt::store::session unreachable{{.conninfo = "host=/nonexistent-evt-socket-dir dbname=message_store"}};
  auto reservation = evt::reservation::build(unreachable);
  Deposit deposit{.deposit_id = "d1"};
  deposit.metadata.stream_name = "account:command-1";
  bool ran = false;
  EXPECT_THROW(reservation(deposit, &Deposit::deposit_id, [&](const Deposit&) { ran = true; }), evt::connection_error);
  EXPECT_FALSE(ran);
  EXPECT_EQ(reservation.telemetry().ignored, 0);
}

TEST(Reservation, UnderAConsumerGroupTheCopyGoesToTheMemberOfTheOriginal) {
  fixture f;
  for (int i = 0; i < 6; ++i) {
    f.account = unique_id();
    f.command_stream = evt::stream_name(f.category, f.account);
    f.issue("d" + std::to_string(i));
  }
  std::set<std::string> all;
  for (std::int64_t member = 0; member < 2; ++member) {
    Commands commands;
    evt::consumer consumer{f.session, {.category = f.category, .identifier = "m", .consumer_group = {{.member = member, .size = 2}}}};
    consumer.add_handler(commands);
    consumer.run_until_caught_up();
    std::set<std::string> copies;
    for (const auto& reserved : commands.handled) copies.insert(reserved.deposit_id);
    EXPECT_EQ(copies, commands.originals) << "member " << member << " handles the copies of exactly its own commands";
    all.insert(copies.begin(), copies.end());
  }
  EXPECT_EQ(all, (std::set<std::string>{"d0", "d1", "d2", "d3", "d4", "d5"}));
}

TEST(Reservation, AForgedMarkerIsNotTrustedTwiceWithTheSameKeyTheBlockRunsOnce) {
  fixture f;
  const auto data = R"({"depositId": "d1", "accountId": ")" + f.account + R"(", "amount": 10})";
  f.write_raw(f.command_stream, data, R"({"localProperties": {"reserved": "x"}})");
  f.write_raw(f.command_stream, data, R"({"localProperties": {"reserved": "x"}})");
  f.consumer.run_until_caught_up();
  ASSERT_EQ(f.commands.handled.size(), 1u) << "reserved as any command: the second is ignored";
  EXPECT_EQ(f.commands.handled[0].metadata.stream_name, f.command_stream + "+d1");
  EXPECT_EQ(f.commands.reservation.telemetry().ignored, 1);
}

TEST(Reservation, TheCopyCarriesWhatRubyWroteValueForValueUndeclaredKeysIncluded) {
  fixture f;
  f.write_raw(f.command_stream, R"({"depositId": "d1", "accountId": ")" + f.account +
                                    R"(", "amount": 0.30000000000000004, "time": "2026-11-28T04:52:15.067123+00:00",
                                        "note": null, "channel": {"name": "teller", "fee": 4.0}, "big": 1.0e+20})");
  f.consumer.run_until_caught_up();
  database db;
  const auto original = db.stream(f.command_stream).at(0);
  const auto copy = db.stream(f.command_stream + "+d1").at(0);
  EXPECT_EQ(copy.data, original.data);
  EXPECT_NE(original.data->find("\"amount\": 0.30000000000000004"), std::string::npos) << *original.data;
  EXPECT_NE(original.data->find("\"fee\": 4.0"), std::string::npos) << *original.data;
  EXPECT_NE(original.data->find("\"big\": 100000000000000000000"), std::string::npos) << "as jsonb stores 1.0e+20";
  ASSERT_EQ(f.commands.handled.size(), 1u);
  EXPECT_EQ(f.commands.handled[0].amount, evt::money::parse("0.30000000000000004"));
}

// A handler that refuses every reserved copy until told otherwise.
struct Refusing : evt::handler {
  evt::dependency<evt::reservation> reservation{*this};
  bool refuse = true;
  std::vector<Deposit> handled;
  Refusing() {
    handle<Deposit>([this](const Deposit& deposit) {
      reservation(deposit, &Deposit::deposit_id, [this](const Deposit& reserved) {
        if (refuse) throw evt::invalid_message_error{"not yet"};
        handled.push_back(reserved);
      });
    });
  }
};

TEST(Reservation, TheReplayOfAParkedCopyRunsTheBlockWithItselfOnce) {
  fixture f;
  Refusing refusing;
  evt::consumer consumer{f.session, {.category = f.category, .identifier = "refusing", .log = [](const std::string&) {}}};
  consumer.add_handler(refusing);
  f.issue("d1");
  consumer.run_until_caught_up();
  const auto parked = evt::dead_letter::parked(f.session, f.category);
  ASSERT_EQ(parked.size(), 1u);
  EXPECT_EQ(parked[0].original.stream_name, f.command_stream + "+d1") << "the copy was parked";

  refusing.refuse = false;
  ASSERT_TRUE(evt::dead_letter::replay(f.session, parked[0]));
  consumer.run_until_caught_up();
  ASSERT_EQ(refusing.handled.size(), 1u);
  EXPECT_EQ(refusing.handled[0].metadata.stream_name, f.command_stream + "+d1");
  EXPECT_EQ(refusing.handled[0].metadata.position, 1) << "the replay itself: its own global position is its sequence";
  EXPECT_EQ(database{}.stream(f.command_stream + "+d1+d1").size(), 0u) << "never reserved again into ...+d1+d1";
}

TEST(Reservation, AMarkedMessageLaterInAReservationStreamThatIsNoReplayIsRefused) {
  fixture f;
  f.issue("d1");
  f.consumer.run_until_caught_up();
  ASSERT_EQ(f.commands.handled.size(), 1u);
  // The copy written again by hand (or by a client that wants the deposit twice).
  const auto first = database{}.stream(f.command_stream + "+d1").at(0);
  f.write_raw(first.stream_name, *first.data, first.metadata->c_str());
  f.consumer.run_until_caught_up();
  EXPECT_EQ(f.commands.handled.size(), 1u) << "the later one not handled";
  const auto parked = evt::dead_letter::parked(f.session, f.category);
  ASSERT_EQ(parked.size(), 1u);
  EXPECT_EQ(parked[0].original.position, 1);
  EXPECT_EQ(parked[0].reason.error_class, "evt::duplicate_reservation_error");
  EXPECT_NE(parked[0].reason.error.find("later in its reservation stream that is no replay of a parked copy"),
            std::string::npos)
      << parked[0].reason.error;
  EXPECT_FALSE(parked[0].reason.replayable);
  EXPECT_THROW(evt::dead_letter::replay(f.session, parked[0]), evt::error) << "a duplicate is never replayed";
  EXPECT_EQ(database{}.stream(f.command_stream + "+d1").size(), 2u);
}

TEST(Reservation, AKeyOfTheBoundFitsTheStreamNameIndexBesideAUsualOrigin) {
  fixture f;
  // Text that compresses badly, as PostgreSQL would otherwise shrink it.
  std::string key;
  while (key.size() < evt::max_idempotence_key_size) key += evt::test::unique_id().substr(0, 8);
  key.resize(evt::max_idempotence_key_size);
  f.issue(key);
  f.consumer.run_until_caught_up();
  EXPECT_EQ(f.commands.handled.size(), 1u);
  EXPECT_EQ(database{}.stream(f.command_stream + "+" + key).size(), 1u);
}

TEST(Reservation, AKeyLongerThanTheBoundIsRefusedBeforePostgresqlSeesItAndTheMessageParked) {
  fixture f;
  const std::string key(20'000, 'k');
  f.write_raw(f.command_stream, R"({"depositId": ")" + key + R"(", "accountId": ")" + f.account + R"(", "amount": 1})");
  f.issue("d1");
  evt::consumer consumer{f.session, {.category = f.category, .identifier = "logged", .log = [](const std::string&) {}}};
  consumer.add_handler(f.commands);
  consumer.run_until_caught_up();
  EXPECT_EQ(f.commands.handled.size(), 1u) << "d1 goes on";
  EXPECT_EQ(consumer.telemetry().parked, 1);
  const auto parked = database{}.category(evt::dead_letter::category_of(f.category));
  ASSERT_EQ(parked.size(), 1u);
  EXPECT_NE(parked[0].metadata->find("Idempotence key is longer than 255 bytes (Key Size: 20000"), std::string::npos)
      << *parked[0].metadata;
  EXPECT_NE(parked[0].metadata->find(R"("errorClass": "evt::reservation_error")"), std::string::npos);
}

}  // namespace
