// The reservation pattern without a database (SPEC 1, 10): its writer is the
// substitute, so what it wrote is read from there.
#include <evt/controls.hpp>
#include <evt/reservation/reservation.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace {

using json = nlohmann::json;

EVT_MESSAGE(Deposit, (std::string, deposit_id), (std::string, account_id), (evt::money, amount),
            (std::optional<std::string>, note));
EVT_MESSAGE(Transfer, (std::optional<std::string>, transfer_id));
EVT_MESSAGE(Deposited, (std::string, deposit_id), (std::string, account_id), (evt::money, amount),
            (std::optional<std::string>, note));

// A Deposit as a consumer reads it from account:command-a1.
Deposit deposit(std::string deposit_id = "d1") {
  Deposit deposit{.deposit_id = std::move(deposit_id), .account_id = "a1", .amount = evt::money::parse("11.5")};
  deposit.metadata = evt::controls::metadata();
  deposit.metadata.stream_name = "account:command-a1";
  return deposit;
}

struct block_runs {
  std::vector<Deposit> given;
  auto operator()() {
    return [this](const Deposit& reserved) { given.push_back(reserved); };
  }
};

TEST(Reservation, AReservedMessageRunsTheBlockAndWritesNothing) {
  auto reservation = evt::reservation::substitute();
  block_runs block;
  auto reserved = deposit();
  reserved.metadata = evt::controls::reserved_metadata("d1");
  EXPECT_EQ(reservation(reserved, &Deposit::deposit_id, block()), evt::reservation::outcome::handled);
  ASSERT_EQ(block.given.size(), 1u);
  EXPECT_EQ(block.given[0], reserved) << "the block gets the reserved message itself";
  EXPECT_TRUE(reservation.write().written().empty());
  EXPECT_EQ(reservation.telemetry().handled, 1);
}

TEST(Reservation, AnUnreservedMessageIsCopiedIntoTheKeysStreamAsItsFirstMessageAndTheBlockDoesNotRun) {
  auto reservation = evt::reservation::substitute();
  block_runs block;
  auto original = deposit();
  original.metadata.stream_name = "someStream-987";
  EXPECT_EQ(reservation(original, std::string_view{"123"}, block()), evt::reservation::outcome::reserved);
  EXPECT_TRUE(block.given.empty());
  ASSERT_EQ(reservation.write().written().size(), 1u);
  const auto& written = reservation.write().written()[0];
  EXPECT_EQ(written.stream_name, "someStream-987+123");
  EXPECT_EQ(written.expected, evt::no_stream) << "write.initial: expected version -1";
  EXPECT_EQ(reservation.telemetry().reserved, 1);
}

TEST(Reservation, TellsAMarkedMessageFromItsRowWithoutTrustingIt) {
  const auto row = [](std::optional<std::string> metadata) {
    return evt::store::message_data{.type = "Deposit", .metadata = std::move(metadata)};
  };
  EXPECT_TRUE(evt::reservation::marked(row(R"({"localProperties": {"reserved": "8f1c"}})")));
  EXPECT_TRUE(evt::reservation::marked(row(R"({"causationMessagePosition": 1, "localProperties": {"reserved": true}})")));
  EXPECT_FALSE(evt::reservation::marked(row(std::nullopt)));
  EXPECT_FALSE(evt::reservation::marked(row(R"({"localProperties": {"reserved": null}})")));
  EXPECT_FALSE(evt::reservation::marked(row(R"({"localProperties": {"reserved": false}})")));
  EXPECT_FALSE(evt::reservation::marked(row(R"({"properties": {"reserved": "x"}})"))) << "a property is no marker";
  EXPECT_FALSE(evt::reservation::marked(row(R"({"localProperties": "reserved"})")));
  EXPECT_FALSE(evt::reservation::marked(row(R"(not json, "reserved")")));
}

TEST(Reservation, TheCopyHasTheSameTypeAndDataAFreshIdAndFollowsTheOriginal) {
  auto reservation = evt::reservation::substitute();
  block_runs block;
  const auto original = deposit();
  reservation(original, &Deposit::deposit_id, block());
  const auto& written = reservation.write().written().at(0).message;
  EXPECT_EQ(written.type, "Deposit");
  EXPECT_EQ(json::parse(*written.data), json::parse(*evt::export_message(original).data));
  EXPECT_EQ(json::parse(*written.data)["note"], nullptr) << "unset fields are written as null, as in the original";
  ASSERT_TRUE(written.id);
  EXPECT_NE(*written.id, *original.metadata.message_id);

  const auto& m = original.metadata;
  EXPECT_EQ(json::parse(*written.metadata),
            (json{{"causationMessageStreamName", "account:command-a1"},
                  {"causationMessagePosition", *m.position},
                  {"causationMessageGlobalPosition", *m.global_position},
                  {"correlationStreamName", *m.correlation_stream_name},
                  {"replyStreamName", *m.reply_stream_name},
                  {"properties", {{"someProperty", "some property value"}}},
                  {"localProperties", {{"reserved", *m.message_id}}}}))
      << "causation from the original; correlation, reply and properties kept; no schemaVersion";
}

TEST(Reservation, AnExistingReservationStreamMeansAlreadyReservedIgnoredWithoutError) {
  auto reservation = evt::reservation::substitute();
  std::vector<std::string> lines;
  reservation.set_log([&](const std::string& line) { lines.push_back(line); });
  reservation.write().raise_expected_version_error();
  block_runs block;
  EXPECT_EQ(reservation(deposit(), &Deposit::deposit_id, block()), evt::reservation::outcome::ignored);
  EXPECT_TRUE(block.given.empty());
  EXPECT_TRUE(reservation.write().written().empty());
  EXPECT_EQ(reservation.telemetry().ignored, 1);
  EXPECT_EQ(reservation.telemetry().reserved, 0);
  EXPECT_EQ(lines, std::vector<std::string>{"Deposit 11 ignored, output stream account:command-a1+d1 exists"});
}

TEST(Reservation, LogsEachOutcomeInOneLine) {
  auto reservation = evt::reservation::substitute();
  std::vector<std::string> lines;
  reservation.set_log([&](const std::string& line) { lines.push_back(line); });
  block_runs block;
  reservation(deposit(), &Deposit::deposit_id, block());
  auto reserved = deposit();
  reserved.metadata = evt::controls::reserved_metadata("d1");
  reserved.metadata.global_position = 12;
  reservation(reserved, &Deposit::deposit_id, block());
  EXPECT_EQ(lines, (std::vector<std::string>{"Reserved Deposit 11, Idempotence Key: d1", "Handled reserved message Deposit 12"}));
}

TEST(Reservation, NamesTheStreamAfterTheOriginsCategoryTypesAndIds) {
  EXPECT_EQ(evt::reservation::stream_name("someStream-987", "123"), "someStream-987+123");
  EXPECT_EQ(evt::reservation::stream_name("someCategory:command-123", "AAA"), "someCategory:command-123+AAA");
  EXPECT_EQ(evt::reservation::stream_name("cat-a+b", "k"), "cat-a+b+k");
  EXPECT_EQ(evt::reservation::stream_name("cat:command+x-a+b", "k"), "cat:command+x-a+b+k") << "types not repeated";
  EXPECT_EQ(evt::reservation::stream_name("cat", "k"), "cat-k");
  EXPECT_EQ(evt::reservation::stream_name("cat-", "k"), "cat-k");
  EXPECT_EQ(evt::reservation::stream_name("cat-a+", "k"), "cat-a+k") << "as Ruby's split and join";
  EXPECT_EQ(evt::reservation::stream_name("cat-a++b", "k"), "cat-a++b+k");
  EXPECT_EQ(evt::reservation::stream_name("cat-1", "a-b:c"), "cat-1+a-b:c") << "'-' and ':' after the first '-' are id text";
}

TEST(Reservation, AMissingOrBlankKeyIsAnErrorAndNothingIsWritten) {
  for (const std::optional<std::string_view> key : {std::optional<std::string_view>{}, std::optional<std::string_view>{""},
                                                    std::optional<std::string_view>{" \t"}}) {
    auto reservation = evt::reservation::substitute();
    block_runs block;
    try {
      reservation(deposit(), key, block());
      FAIL() << "no error for key '" << key.value_or("(none)") << "'";
    } catch (const evt::reservation_error& error) {
      const std::string expected = key ? "Idempotence key must not be blank" : "Idempotence key is missing";
      EXPECT_EQ(std::string{error.what()},
                expected + " (Message Type: Deposit, Stream: account:command-a1, Global Position: 11)");
    }
    EXPECT_TRUE(reservation.write().written().empty()) << "never the shared ...+ stream";
    EXPECT_TRUE(block.given.empty());
  }
}

TEST(Reservation, AnOptionalKeyFieldThatIsEmptyIsMissing) {
  auto reservation = evt::reservation::substitute();
  Transfer transfer;
  transfer.metadata = evt::controls::metadata();
  EXPECT_THROW(reservation(transfer, &Transfer::transfer_id, [](const Transfer&) {}), evt::reservation_error);
  transfer.transfer_id = "t1";
  EXPECT_EQ(reservation(transfer, &Transfer::transfer_id, [](const Transfer&) {}), evt::reservation::outcome::reserved);
  EXPECT_EQ(reservation.write().written().at(0).stream_name, *transfer.metadata.stream_name + "+t1");
}

TEST(Reservation, AKeyWithAPlusIsRefusedItWouldAddIdsToTheStreamName) {
  auto reservation = evt::reservation::substitute();
  try {
    reservation(deposit("d1+d2"), &Deposit::deposit_id, block_runs{}());
    FAIL() << "a key with '+'";
  } catch (const evt::reservation_error& error) {
    EXPECT_EQ(std::string{error.what()},
              "Idempotence key must not contain '+', which separates the ids of a stream name (Idempotence Key: d1+d2) "
              "(Message Type: Deposit, Stream: account:command-a1, Global Position: 11)");
  }
  EXPECT_THROW(reservation(deposit(std::string{"d\0", 2}), &Deposit::deposit_id, block_runs{}()), evt::reservation_error);
  EXPECT_TRUE(reservation.write().written().empty());
}

TEST(Reservation, AMessageWithoutAStreamNameCannotBeReserved) {
  auto reservation = evt::reservation::substitute();
  Deposit in_memory{.deposit_id = "d1"};
  try {
    reservation(in_memory, &Deposit::deposit_id, block_runs{}());
    FAIL() << "no stream name";
  } catch (const evt::reservation_error& error) {
    EXPECT_EQ(std::string{error.what()},
              "Message has no stream name: only a message read from the store can be reserved (Message Type: Deposit)");
  }
}

TEST(Reservation, TheMarkerIsNeverNullAnOriginalWithoutIdIsMarkedWithTheKey) {
  auto reservation = evt::reservation::substitute();
  auto original = deposit();
  original.metadata.message_id.reset();
  reservation(original, &Deposit::deposit_id, block_runs{}());
  const auto copy = reservation.write().messages<Deposit>().at(0);
  ASSERT_NE(copy.metadata.local_property("reserved"), nullptr);
  EXPECT_EQ(*copy.metadata.local_property("reserved"), "d1");
  EXPECT_TRUE(evt::reservation::is_reserved(copy.metadata, "d1")) << "so the copy is not reserved again into ...+d1+d1";
}

TEST(Reservation, OnlyAMarkerThatIsSetAndNeitherNullNorFalseCounts) {
  auto metadata = evt::controls::reserved_metadata("k");
  EXPECT_TRUE(evt::reservation::is_reserved(metadata, "k"));
  metadata.set_local_property("reserved", nullptr);
  EXPECT_FALSE(evt::reservation::is_reserved(metadata, "k"));
  metadata.set_local_property("reserved", false);
  EXPECT_FALSE(evt::reservation::is_reserved(metadata, "k"));
  metadata.set_local_property("reserved", "value");
  EXPECT_TRUE(evt::reservation::is_reserved(metadata, "k"));
  metadata.delete_local_property("reserved");
  metadata.set_property("reserved", "value");
  EXPECT_FALSE(evt::reservation::is_reserved(metadata, "k")) << "a property is not the local property";
}

TEST(Reservation, AMarkerIsTrustedOnlyAtTheStartOfTheReservationStreamOfItsOriginAndKey) {
  const auto copy = evt::controls::reserved_metadata("k");
  EXPECT_TRUE(evt::reservation::is_reserved(copy, "k"));
  EXPECT_FALSE(evt::reservation::is_reserved(copy, "other")) << "another key's stream";
  auto moved = copy;
  moved.stream_name = "someStream-elsewhere";
  EXPECT_FALSE(evt::reservation::is_reserved(moved, "k")) << "not in a reservation stream";
  auto caused_elsewhere = copy;
  caused_elsewhere.causation_message_stream_name = "someStream-other";
  EXPECT_FALSE(evt::reservation::is_reserved(caused_elsewhere, "k")) << "not the reservation stream of its origin";
  auto uncaused = copy;
  uncaused.causation_message_stream_name.reset();
  EXPECT_FALSE(evt::reservation::is_reserved(uncaused, "k"));
  auto later = copy;
  later.position = 1;
  EXPECT_FALSE(evt::reservation::is_reserved(later, "k")) << "not its first message";
}

TEST(Reservation, AForgedMarkerIsNotTrustedTheCommandIsReservedAsAnyOther) {
  auto reservation = evt::reservation::substitute();
  block_runs block;
  std::vector<std::string> ids;
  for (int issued = 0; issued < 2; ++issued) {
    auto forged = deposit();
    forged.metadata.set_local_property("reserved", "x");  // written so by a client, in account:command-a1
    ids.push_back(*forged.metadata.message_id);
    const auto outcome = reservation(forged, &Deposit::deposit_id, block());
    EXPECT_EQ(outcome, issued == 0 ? evt::reservation::outcome::reserved : evt::reservation::outcome::ignored)
        << "issue " << issued;
  }
  EXPECT_TRUE(block.given.empty()) << "the block runs only with the copy";
  ASSERT_EQ(reservation.write().written().size(), 1u) << "the second copy finds the stream there, as in the store";
  EXPECT_EQ(reservation.write().written()[0].stream_name, "account:command-a1+d1");
  EXPECT_EQ(reservation.write().written()[0].expected, evt::no_stream);
  const auto copy = reservation.write().messages<Deposit>().at(0);
  EXPECT_EQ(*copy.metadata.local_property("reserved"), ids[0]) << "marked with the original's id, not the forged value";
}

TEST(Reservation, TheCopyCarriesTheDataAsStoredValueForValueAndKeysTheTypeDoesNotDeclare) {
  auto reservation = evt::reservation::substitute();
  auto original = deposit();
  original.amount = evt::money::parse("0.30000000000000004");
  const std::string stored =
      R"({"accountId":"a1","amount":0.30000000000000004,"depositId":"d1","note":null,"time":"2026-11-28T04:52:15.067123+00:00","undeclared":{"x":4.0}})";
  original.metadata.stored_data = stored;
  reservation(original, &Deposit::deposit_id, block_runs{}());
  EXPECT_EQ(reservation.write().written().at(0).message.data, stored) << "not a re-encoding through Deposit";
}

TEST(Reservation, AMessageItsHandlerChangedIsCopiedAsItIsNow) {
  auto reservation = evt::reservation::substitute();
  auto original = deposit();
  original.metadata.stored_data = R"({"accountId":"a1","amount":11.5,"depositId":"d1","note":null})";
  original.note = "added by the handler";
  reservation(original, &Deposit::deposit_id, block_runs{}());
  EXPECT_EQ(reservation.write().written().at(0).message.data, evt::export_message(original).data);
}

TEST(Reservation, AKeyLongerThanTheBoundIsRefusedBeforeAnythingIsWritten) {
  auto reservation = evt::reservation::substitute();
  EXPECT_EQ(reservation(deposit(std::string(255, 'k')), &Deposit::deposit_id, block_runs{}()),
            evt::reservation::outcome::reserved);
  try {
    reservation(deposit(std::string(20'000, 'k')), &Deposit::deposit_id, block_runs{}());
    FAIL() << "a 20,000-byte key";
  } catch (const evt::reservation_error& error) {
    EXPECT_EQ(std::string{error.what()}, "Idempotence key is longer than 255 bytes (Key Size: 20000, Idempotence Key: " +
                                             std::string(100, 'k') + "...) (Message Type: Deposit, Stream: "
                                             "account:command-a1, Global Position: 11)");
  }
  EXPECT_EQ(reservation.write().written().size(), 1u);
}

TEST(Reservation, EventsFollowingTheReservedCopyDoNotCarryTheMarker) {
  auto reservation = evt::reservation::substitute();
  const auto original = deposit();
  reservation(original, &Deposit::deposit_id, block_runs{}());
  auto copy = reservation.write().messages<Deposit>().at(0);
  EXPECT_EQ(copy.metadata.correlation_stream_name, original.metadata.correlation_stream_name);
  copy.metadata.stream_name = reservation.write().written().at(0).stream_name;
  copy.metadata.position = 0;
  copy.metadata.global_position = 40;
  const auto deposited = evt::follow<Deposited>(copy);
  EXPECT_EQ(deposited.metadata.local_property("reserved"), nullptr);
  EXPECT_EQ(deposited.metadata.causation_message_stream_name, "account:command-a1+d1");
  EXPECT_EQ(deposited.metadata.causation_message_global_position, 40);
  ASSERT_TRUE(copy.metadata.correlation_stream_name);
  EXPECT_EQ(deposited.metadata.correlation_stream_name, copy.metadata.correlation_stream_name)
      << "the original's correlation flows through the copy";
}

TEST(ReservationSubstitute, RemembersTheLastMessageAndKeyAndDoesNotRunTheBlock) {
  auto reservation = evt::reservation::substitute();
  block_runs block;
  const auto first = deposit("d1");
  const auto second = deposit("d2");
  reservation(first, &Deposit::deposit_id, block());
  reservation(second, &Deposit::deposit_id, block());
  EXPECT_TRUE(block.given.empty());
  EXPECT_TRUE(reservation.message(second));
  EXPECT_FALSE(reservation.message(first)) << "the last one only";
  EXPECT_TRUE(reservation.idempotence_key("d2"));
  EXPECT_FALSE(reservation.idempotence_key("d1"));
  ASSERT_EQ(reservation.write().written().size(), 2u) << "each copied to its reservation stream, as for real";
  EXPECT_EQ(reservation.write().written()[1].stream_name, "account:command-a1+d2");
}

TEST(ReservationSubstitute, ReservesAKeyOnceAndIgnoresItThen) {
  auto reservation = evt::reservation::substitute();
  block_runs block;
  EXPECT_EQ(reservation(deposit("d1"), &Deposit::deposit_id, block()), evt::reservation::outcome::reserved);
  EXPECT_EQ(reservation(deposit("d1"), &Deposit::deposit_id, block()), evt::reservation::outcome::ignored);
  EXPECT_EQ(reservation.telemetry().ignored, 1);
  EXPECT_TRUE(block.given.empty());
}

TEST(ReservationSubstitute, RefusesAMessageWithoutAStreamNameAsTheRealOneDoes) {
  for (const bool reserved : {false, true}) {
    auto reservation = evt::reservation::substitute();
    if (reserved) reservation.set_reserved();
    auto made_in_memory = deposit("d1");
    made_in_memory.metadata.stream_name.reset();
    block_runs block;
    EXPECT_THROW(reservation(made_in_memory, &Deposit::deposit_id, block()), evt::reservation_error)
        << (reserved ? "set reserved" : "not set reserved");
    EXPECT_TRUE(block.given.empty());
  }
}

TEST(ReservationSubstitute, AfterSetReservedRunsTheBlockWithTheMessage) {
  auto reservation = evt::reservation::substitute();
  reservation.set_reserved();
  block_runs block;
  EXPECT_EQ(reservation(deposit(), &Deposit::deposit_id, block()), evt::reservation::outcome::handled);
  ASSERT_EQ(block.given.size(), 1u);
  EXPECT_EQ(block.given[0], deposit());
}

TEST(Reservation, AReservedCopyRunsWhateverItsKeyItWasReservedAlready) {
  auto reservation = evt::reservation::substitute();
  block_runs block;
  auto copy = deposit("written+by+ruby");
  copy.metadata = evt::controls::reserved_metadata("written+by+ruby");
  EXPECT_EQ(reservation(copy, &Deposit::deposit_id, block()), evt::reservation::outcome::handled);
  EXPECT_EQ(block.given.size(), 1u);
}

TEST(Reservation, TheSubstitutesQuestionsAreAnErrorOnARealReservation) {
  evt::store::session never_connected{{.conninfo = "host=/nonexistent"}};
  auto reservation = evt::reservation::build(never_connected);
  EXPECT_THROW(reservation.set_reserved(), evt::error);
  EXPECT_THROW(reservation.idempotence_key("d1"), evt::error);
  EXPECT_THROW(reservation.message(deposit()), evt::error);
}

TEST(ReservationSubstitute, StillRefusesAMissingKey) {
  auto reservation = evt::reservation::substitute();
  reservation.set_reserved();
  EXPECT_THROW(reservation(deposit(""), &Deposit::deposit_id, block_runs{}()), evt::reservation_error);
}

}  // namespace
