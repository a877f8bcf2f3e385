// The account component against the real store, in-process: commands
// written by the client library, handled by the component's consumer until
// it is caught up, the result read back by the entity store.
#include "client/client.hpp"
#include "component/component.hpp"
#include "component/handlers/commands.hpp"
#include "component/store.hpp"
#include "messages/events/deposited.hpp"

#include <evt/dead_letter/dead_letter.hpp>
#include <evt/error.hpp>
#include <evt/store/get.hpp>
#include <evt/store/put.hpp>
#include <evt/store/read.hpp>
#include <evt/stream_name.hpp>
#include <evt/uuid.hpp>

#include "support/database.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

namespace {

namespace client = account_component::client;
using evt::money;

struct fixture {
  evt::store::session session{{.conninfo = evt::test::conninfo()}};
  evt::writer write = evt::writer::build(session);
  account_component::component component{session, {.wake_on_notify = false}};
  std::string account = evt::random_uuid();

  void handle_everything() { component.run_until_caught_up(); }

  std::vector<std::string> event_types() {
    std::vector<std::string> types;
    evt::store::read_stream(session, evt::stream_name("account", account),
                            [&](const evt::store::message_data& event) { types.push_back(event.type); });
    return types;
  }

  account_component::Account fetch() { return account_component::build_store(session).fetch(account).entity; }

  // A Deposit's data as a client writes it.
  std::string deposit_data(const std::string& key, int amount) const {
    return R"({"depositId": ")" + key + R"(", "accountId": ")" + account + R"(", "amount": )" + std::to_string(amount) +
           R"(, "time": "2026-12-07T10:00:00.000Z"})";
  }

  // The reserved copy parked as the copies' consumer parks one whose account
  // cannot be read, and replayed.
  void park_and_replay(const evt::store::message_data& copy) {
    const evt::dead_letter::reason reason{.parker = evt::dead_letter::parker::consumer,
                                          .by = "account:command+position-reservedCopies",
                                          .error_class = "evt::decode_error",
                                          .error = "the account could not be read"};
    evt::store::put(session, evt::dead_letter::copy(copy, reason),
                    evt::dead_letter::stream_of("account:command+deadLetter", copy.stream_name));
    for (const auto& letter : parked(copy.stream_name)) ASSERT_TRUE(evt::dead_letter::replay(session, letter));
  }

  // What the consumers parked from this stream.
  std::vector<evt::dead_letter::parked_message> parked(const std::string& stream) {
    std::vector<evt::dead_letter::parked_message> found;
    for (auto& message : evt::dead_letter::parked(session, "account:command")) {
      if (message.original.stream_name == stream) found.push_back(std::move(message));
    }
    return found;
  }
};

TEST(AccountComponent, TheSameDepositIssuedFiveTimesIsAppliedOnce) {
  fixture f;
  client::open(f.write, f.account);
  for (int i = 0; i < 5; ++i) client::deposit(f.write, f.account, money{100}, "deposit-1");
  f.handle_everything();
  EXPECT_EQ(f.fetch().balance, money{100});
  EXPECT_EQ(f.event_types(), (std::vector<std::string>{"Opened", "Deposited"}));
  EXPECT_EQ(evt::test::database{}.stream("account:command-" + f.account + "+deposit-1").size(), 1u)
      << "one reserved copy";
}

TEST(AccountComponent, AnAccountsLifeWithRejectedAndIgnoredCommands) {
  fixture f;
  client::open(f.write, f.account, "customer-1");
  client::deposit(f.write, f.account, money::parse("100.25"));
  client::withdraw(f.write, f.account, money::parse("30.10"));
  client::withdraw(f.write, f.account, money{1000});
  client::open(f.write, f.account, "customer-2");
  client::close(f.write, f.account);
  client::close(f.write, f.account);
  f.handle_everything();
  // Deposits and withdrawals take effect when their reserved copies come
  // back, after every command already written: here after the Close.
  EXPECT_EQ(f.event_types(), (std::vector<std::string>{"Opened", "Closed", "Deposited", "Withdrawn", "WithdrawalRejected"}));
  const auto account = f.fetch();
  EXPECT_EQ(account.balance, money::parse("70.15"));
  EXPECT_EQ(account.customer_id, "customer-1") << "the second Open was ignored";
  EXPECT_TRUE(account.is_closed());
}

TEST(AccountComponent, CommandsHandledAgainAfterACrashApplyNothingTwice) {
  fixture f;
  client::open(f.write, f.account);
  client::deposit(f.write, f.account, money{5});
  client::withdraw(f.write, f.account, money{2});
  f.handle_everything();
  const auto before = f.event_types();

  // As after a crash before the position was recorded: every command and
  // every reserved copy is delivered again, to a fresh component.
  account_component::handlers::Commands again;
  again.configure(f.session);
  evt::store::read_category(f.session, "account:command", [&](const evt::store::message_data& command) {
    if (evt::id(command.stream_name).value_or("").starts_with(f.account)) again(command);
  });
  EXPECT_EQ(f.event_types(), before);
  EXPECT_EQ(f.fetch().balance, money{3});
  EXPECT_EQ(again.reservation.telemetry().ignored, 2) << "the originals: their copies exist";
  EXPECT_EQ(again.reservation.telemetry().handled, 2) << "the copies: stopped by their sequence";
}

TEST(AccountComponent, AMalformedCommandIsParkedAndTheNextOnesAreHandled) {
  fixture f;
  client::open(f.write, f.account);
  evt::test::database{}.write("account:command-" + f.account, "Deposit");  // data without any of its fields
  client::deposit(f.write, f.account, money{7});
  std::vector<std::string> lines;
  account_component::component logging{f.session, {.wake_on_notify = false,
                                                    .log = [&](const std::string& line) { lines.push_back(line); }}};
  logging.run_until_caught_up();
  EXPECT_EQ(f.fetch().balance, money{7});
  const auto error = std::find_if(lines.begin(), lines.end(), [&](const std::string& line) {
    return line.starts_with("Error raised (Error Class: evt::decode_error") &&
           line.find("Stream Name: account:command-" + f.account + ", Position: 1,") != std::string::npos;
  });
  ASSERT_NE(error, lines.end()) << "logged with its stream and position";
  EXPECT_NE(error->find("; parked in account:command+deadLetter-" + f.account), std::string::npos) << *error;
}

// The account's stream gets an event nobody can read: the commands that need
// the account are parked with that reason. Once the cause is fixed, commands
// take effect again; the parked deposit, replayed later, takes effect once,
// however often its copy is written again.
TEST(AccountComponent, ADepositParkedForAnAccountItCannotReadTakesEffectOnceWhenReplayedAfterTheFix) {
  fixture f;
  client::open(f.write, f.account);
  client::deposit(f.write, f.account, money{5}, "first");
  f.handle_everything();
  const auto account_stream = evt::stream_name("account", f.account);
  evt::store::put(f.session, {.type = "Deposited", .data = R"({"depositId": "x", "accountId": ")" + f.account +
                                                             R"(", "amount": "lots", "sequence": 1})"},
                  account_stream);
  client::deposit(f.write, f.account, money{10}, "d1");
  client::deposit(f.write, f.account, money{10}, "d1");  // issued again: reserved already
  f.handle_everything();

  const auto reservation_stream = "account:command-" + f.account + "+d1";
  const auto parked_of = [&](const std::string& stream) {
    std::vector<evt::dead_letter::parked_message> found;
    for (auto& message : evt::dead_letter::parked(f.session, "account:command")) {
      if (message.original.stream_name == stream) found.push_back(std::move(message));
    }
    return found;
  };
  const auto parked = parked_of(reservation_stream);
  ASSERT_EQ(parked.size(), 1u) << "the reserved copy, once";
  EXPECT_NE(parked[0].reason.error.find("Cannot decode the message (Stream: " + account_stream + ", Position: 2"),
            std::string::npos)
      << parked[0].reason.error;

  // The cause fixed (here by a data repair as the database owner), and a
  // newer deposit takes effect before the operator replays the parked one.
  evt::test::database owner{evt::test::conninfo_as("postgres")};
  owner.sql("UPDATE message_store.messages SET data = jsonb_set(data, '{amount}', '1') WHERE stream_name = $1 AND position = 2",
            account_stream);
  client::deposit(f.write, f.account, money{100}, "d2");
  f.handle_everything();
  EXPECT_EQ(f.fetch().balance, money{106});
  ASSERT_TRUE(evt::dead_letter::replay(f.session, parked[0]));
  EXPECT_FALSE(evt::dead_letter::replay(f.session, parked[0])) << "once";
  f.handle_everything();
  EXPECT_EQ(f.fetch().balance, money{116}) << "not swallowed behind the newer deposit's sequence";

  // The copy written again by hand: refused (parked), nothing happens.
  evt::store::put(f.session, {.type = parked[0].original.type, .data = parked[0].original.data,
                              .metadata = parked[0].original.metadata},
                  reservation_stream);
  f.handle_everything();
  EXPECT_EQ(f.fetch().balance, money{116});
  EXPECT_EQ(parked_of(reservation_stream).size(), 2u);
  EXPECT_EQ(f.event_types(), (std::vector<std::string>{"Opened", "Deposited", "Deposited", "Deposited", "Deposited"}));
}

// A reserved copy written again into its reservation stream is parked as a
// duplicate, and an operator replaying every parked message does not apply
// the deposit a second time: such a letter is not replayable.
TEST(AccountComponent, ACopyWrittenAgainIsParkedAsNotReplayableAndReplayingEverythingAppliesNothingTwice) {
  fixture f;
  client::open(f.write, f.account);
  client::deposit(f.write, f.account, money{100}, "d1");
  f.handle_everything();
  const auto reservation = "account:command-" + f.account + "+d1";
  const auto copy = evt::store::get_stream(f.session, reservation).at(0);
  evt::store::put(f.session, {.type = copy.type, .data = copy.data, .metadata = copy.metadata}, reservation);
  f.handle_everything();

  std::vector<std::string> refusals;
  for (const auto& parked : f.parked(reservation)) {
    EXPECT_FALSE(parked.reason.replayable);
    EXPECT_EQ(parked.reason.error_class, "evt::duplicate_reservation_error");
    try {
      evt::dead_letter::replay(f.session, parked);
    } catch (const evt::error& refused) {
      refusals.emplace_back(refused.what());
    }
  }
  ASSERT_EQ(refusals.size(), 1u);
  EXPECT_EQ(refusals[0].rfind("Not replayable", 0), 0u) << refusals[0];
  f.handle_everything();
  EXPECT_EQ(f.fetch().balance, money{100});
  EXPECT_EQ(f.event_types(), (std::vector<std::string>{"Opened", "Deposited"}));
}

// A command is one thing whatever way it arrives (its type's key within its
// account): issued again, to another stream of the account, straight into
// its reservation stream, a copy of its reserved copy re-issued, or replayed
// from a dead letter that passes every check: one effect.
TEST(AccountComponent, ADepositTakesEffectOnceWhateverRouteItArrivesBy) {
  fixture f;
  client::open(f.write, f.account);
  const auto data = [&](const std::string& key, int amount) {
    return R"({"depositId": ")" + key + R"(", "accountId": ")" + f.account + R"(", "amount": )" +
           std::to_string(amount) + R"(, "time": "2026-12-07T10:00:00.000Z"})";
  };
  const auto commands = "account:command-" + f.account;
  // d2 straight into what is its reservation stream, before any other route.
  evt::store::put(f.session, {.type = "Deposit", .data = data("d2", 50)}, commands + "+d2");
  client::deposit(f.write, f.account, money{100}, "d1");
  evt::store::put(f.session, {.type = "Deposit", .data = data("d1", 100)}, commands + "+other");
  client::deposit(f.write, f.account, money{50}, "d2");
  f.handle_everything();
  const auto copy = evt::store::get_stream(f.session, commands + "+d1").at(0);
  evt::store::put(f.session, {.type = copy.type, .data = copy.data, .metadata = copy.metadata}, commands);
  // A letter of the copy as a consumer parks it, replayed: it passes the
  // reservation's checks, and its effect is refused by the store (its id).
  f.park_and_replay(copy);
  f.handle_everything();

  EXPECT_EQ(f.fetch().balance, money{150});
  EXPECT_EQ(f.event_types(), (std::vector<std::string>{"Opened", "Deposited", "Deposited"}));
  EXPECT_EQ(f.parked(commands + "+d1").size(), 1u) << "only the letter written by hand";
}

// One key, one command: a withdrawal with a deposit's id is not taken for
// the deposit issued again (it would vanish), and the same key in another
// account is another command.
TEST(AccountComponent, AKeyIsAKindOfCommandsWithinItsAccount) {
  fixture f;
  const std::string other = evt::random_uuid();
  client::open(f.write, f.account);
  client::open(f.write, other);
  client::deposit(f.write, f.account, money{100}, "k1");
  client::withdraw(f.write, f.account, money{10}, "k1");
  client::deposit(f.write, other, money{7}, "k1");
  f.handle_everything();
  EXPECT_EQ(f.fetch().balance, money{100});
  EXPECT_EQ(account_component::build_store(f.session).fetch(other).entity.balance, money{7});
  const auto parked = f.parked("account:command-" + f.account);
  ASSERT_EQ(parked.size(), 1u);
  EXPECT_EQ(parked[0].original.type, "Withdraw");
  EXPECT_NE(parked[0].reason.error.find("Idempotence key taken by another command: its reservation stream account:command-" +
                                        f.account + "+k1 holds a Deposit ("),
            std::string::npos)
      << parked[0].reason.error;
}

// A Close a client wrote with the reservation's marker goes to the reserved
// copies' consumer, whose cache holds the account as its last deposit left
// it (open, an old version): it must not retry that stale account for ever
// and stall every other account.
TEST(AccountComponent, AForeignCloseWithAForgedMarkerAfterADepositStallsNoAccount) {
  fixture f;
  const std::string other = evt::random_uuid();
  client::open(f.write, f.account);
  client::deposit(f.write, f.account, money{10}, "d1");
  f.handle_everything();
  client::close(f.write, f.account);
  f.handle_everything();
  evt::store::put(f.session, {.type = "Close",
                              .data = R"({"accountId": ")" + f.account + R"(", "time": "2026-12-07T10:00:00.000Z"})",
                              .metadata = R"({"localProperties": {"reserved": "x"}})"},
                  "account:command-" + f.account);
  client::open(f.write, other);
  client::deposit(f.write, other, money{50}, "d2");
  f.handle_everything();
  EXPECT_EQ(account_component::build_store(f.session).fetch(other).entity.balance, money{50});
  EXPECT_EQ(f.event_types(), (std::vector<std::string>{"Opened", "Deposited", "Closed"}));
}

// Two members; member 1 stops and lags while deposits arrive; member 0
// stops too; three members start (--group-size 3), then one consumer alone.
// Each starts where no message of its new share was missed, and a command
// parked before is not parked again by the members that meet it again.
TEST(AccountComponent, ScalingTheGroupOutAndBackToOneConsumerSkipsNoCommand) {
  fixture f;
  std::vector<std::string> accounts;
  for (int i = 0; i < 30; ++i) accounts.push_back(f.account + "-" + std::to_string(i));
  using group = std::vector<std::unique_ptr<account_component::component>>;
  const auto add = [&](group& running, std::int64_t member, std::int64_t size) {
    running.push_back(std::make_unique<account_component::component>(
        f.session, account_component::component::settings{.consumer_group = {{.member = member, .size = size}},
                                                          .wake_on_notify = false}));
  };
  const auto members = [&](std::int64_t size) {
    group running;
    for (std::int64_t member = 0; member < size; ++member) add(running, member, size);
    return running;
  };
  const auto only = [&](std::int64_t member, std::int64_t size) {
    group running;
    add(running, member, size);
    return running;
  };
  const auto until_caught_up = [](const group& running) {
    for (std::int64_t taken = 1; taken > 0;) {
      taken = 0;
      for (const auto& member : running) taken += member->run_until_caught_up();
    }
  };
  const auto deposit_to_each = [&](const std::string& key) {
    for (const auto& account : accounts) client::deposit(f.write, account, money{1}, key);
  };
  const auto balances = [&](int expected) {
    int wrong = 0;
    auto store = account_component::build_store(f.session);
    for (const auto& account : accounts) wrong += store.fetch(account).entity.balance != money{expected};
    return wrong;
  };

  for (const auto& account : accounts) client::open(f.write, account);
  deposit_to_each("first");
  until_caught_up(members(2));
  ASSERT_EQ(balances(1), 0);

  deposit_to_each("while-member-1-lags");
  // A command it parks, in each account: member 0 parks its half now, and
  // the group of three meets that half again (from member 1's position).
  for (const auto& account : accounts) evt::test::database{}.write("account:command-" + account, "Deposit");
  until_caught_up(only(0, 2));
  until_caught_up(members(3));
  EXPECT_EQ(balances(2), 0) << "accounts without the deposit written while member 1 lagged";

  deposit_to_each("while-one-of-three-lags");
  until_caught_up(only(2, 3));
  account_component::component alone{f.session, {.wake_on_notify = false}};
  alone.run_until_caught_up();
  EXPECT_EQ(balances(3), 0) << "accounts without the deposit written while member 2 of 3 lagged";
  for (const auto& account : accounts) EXPECT_EQ(f.parked("account:command-" + account).size(), 1u) << "parked once";
}

// Another service writes a Deposited into the account, with a sequence of
// its own (its command's global position, here far ahead): the balance
// takes it, and the commands after it still take effect.
TEST(AccountComponent, AnotherServicesEventInTheAccountDoesNotMakeLaterCommandsLookProcessed) {
  fixture f;
  client::open(f.write, f.account);
  client::deposit(f.write, f.account, money{10}, "d1");
  f.handle_everything();
  evt::store::put(f.session,
                  {.type = "Deposited",
                   .data = R"({"depositId": "billing-7", "accountId": ")" + f.account +
                           R"(", "amount": 5, "time": null, "processedTime": null, "sequence": 1000000000000})",
                   .metadata = R"({"causationMessageStreamName": "billing:command-7", "causationMessagePosition": 0,
                                   "causationMessageGlobalPosition": 1000000000000})"},
                  evt::stream_name("account", f.account));
  client::deposit(f.write, f.account, money{100}, "d2");
  client::withdraw(f.write, f.account, money{1}, "w1");
  f.handle_everything();
  EXPECT_EQ(f.fetch().balance, money{114});
  EXPECT_EQ(f.event_types(), (std::vector<std::string>{"Opened", "Deposited", "Deposited", "Deposited", "Withdrawn"}));
}

// A deposit written straight into its reservation stream takes effect where
// copies do, in the order of the messages that caused them: it does not
// jump the account's sequence past a copy written before it and not yet
// applied (the copy would then look processed).
TEST(AccountComponent, ACommandWrittenStraightIntoItsReservationStreamTakesEffectInTurnWithTheCopies) {
  fixture f;
  client::open(f.write, f.account);
  f.handle_everything();
  client::deposit(f.write, f.account, money{10}, "d4");
  f.component.reservations().run_until_caught_up();  // d4's copy written, not applied
  evt::store::put(f.session, {.type = "Deposit", .data = f.deposit_data("d3", 100)}, "account:command-" + f.account + "+d3");
  f.handle_everything();
  EXPECT_EQ(f.fetch().balance, money{110});
}

// A Ruby component applied a copy (its event has a random id); ours met the
// copy again and parked it (the account could not be read then); replayed
// once fixed, it runs with a sequence of its own: its outcome is found by
// its key.
TEST(AccountComponent, AReplayedCopyWhoseOutcomeARubyComponentWroteDoesNotTakeEffectAgain) {
  fixture f;
  client::open(f.write, f.account);
  f.handle_everything();
  client::deposit(f.write, f.account, money{10}, "d1");
  f.component.reservations().run_until_caught_up();
  const auto copy = evt::store::get_stream(f.session, "account:command-" + f.account + "+d1").at(0);
  evt::store::put(f.session,
                  {.type = "Deposited",
                   .data = R"({"depositId": "d1", "accountId": ")" + f.account +
                           R"(", "amount": 10, "time": null, "processedTime": null, "sequence": )" +
                           std::to_string(copy.global_position) + "}",
                   .metadata = R"({"causationMessageStreamName": ")" + copy.stream_name +
                               R"(", "causationMessagePosition": 0, "causationMessageGlobalPosition": )" +
                               std::to_string(copy.global_position) + "}"},
                  evt::stream_name("account", f.account));
  f.handle_everything();
  f.park_and_replay(copy);
  f.handle_everything();
  EXPECT_EQ(f.fetch().balance, money{10});
}

// Written straight into its reservation stream, refused for itself: its
// key is spent, and the corrected command of that key says so (parked),
// rather than vanishing as a duplicate. Refused because its account could
// not be read, it takes effect when replayed.
TEST(AccountComponent, ACommandRefusedInItsReservationStreamSpendsItsKeyVisiblyAndOneParkedForItsAccountIsReplayed) {
  fixture f;
  client::open(f.write, f.account);
  const auto reservations = "account:command-" + f.account + "+";
  evt::store::put(f.session, {.type = "Deposit", .data = f.deposit_data("d5", -5)}, reservations + "d5");
  f.handle_everything();
  client::deposit(f.write, f.account, money{5}, "d5");
  f.handle_everything();
  EXPECT_EQ(f.fetch().balance, money{0});
  const auto refused = f.parked("account:command-" + f.account);
  ASSERT_EQ(refused.size(), 1u) << "the corrected d5, refused for its key";
  EXPECT_NE(refused[0].reason.error.find("begins with a command written straight into it that was refused"),
            std::string::npos)
      << refused[0].reason.error;

  // The account cannot be read (an event of it a foreign writer botched):
  // d6, written straight into its reservation stream, is parked; once the
  // event is repaired, its replay takes effect.
  const auto account_stream = evt::stream_name("account", f.account);
  evt::store::put(f.session,
                  {.type = "Deposited",
                   .data = R"({"depositId": "x", "accountId": ")" + f.account + R"(", "amount": "lots", "sequence": 1})"},
                  account_stream);
  evt::store::put(f.session, {.type = "Deposit", .data = f.deposit_data("d6", 7)}, reservations + "d6");
  f.handle_everything();
  const auto parked = f.parked(reservations + "d6");
  ASSERT_EQ(parked.size(), 1u);
  evt::test::database owner{evt::test::conninfo_as("postgres")};
  owner.sql("UPDATE message_store.messages SET data = jsonb_set(data, '{amount}', '1') WHERE stream_name = $1 AND "
            "data->>'depositId' = 'x'",
            account_stream);
  ASSERT_TRUE(evt::dead_letter::replay(f.session, parked[0]));
  f.handle_everything();
  EXPECT_EQ(f.fetch().balance, money{8});
}

// A deposit of key d5 written to account:command-A+d9 is d5 (reserved in
// ...+d5); the real d9 later finds +d9 holding a deposit of another key:
// refused, saying so, not ignored as a duplicate of d9.
TEST(AccountComponent, AReservationStreamHoldingACommandOfAnotherKeyRefusesTheKeysOwnCommandVisibly) {
  fixture f;
  client::open(f.write, f.account);
  evt::store::put(f.session, {.type = "Deposit", .data = f.deposit_data("d5", 1)}, "account:command-" + f.account + "+d9");
  f.handle_everything();
  client::deposit(f.write, f.account, money{20}, "d9");
  f.handle_everything();
  EXPECT_EQ(f.fetch().balance, money{1});
  const auto refused = f.parked("account:command-" + f.account);
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_NE(refused[0].reason.error.find("holds a Deposit of another key"), std::string::npos) << refused[0].reason.error;
}

// The id of a deposit's effect taken by another writer's message (the ids
// are derived from public names): the deposit is parked, saying so, not
// taken for done.
TEST(AccountComponent, AnEffectsIdTakenByAnotherMessageParksTheCommandRatherThanDroppingIt) {
  fixture f;
  client::open(f.write, f.account);
  f.handle_everything();
  evt::store::put(f.session,
                  {.type = "Squatter", .data = "{}", .id = account_component::handlers::Commands::effect_id(f.account, "Deposit", "d7")},
                  "elsewhere-1");
  client::deposit(f.write, f.account, money{3}, "d7");
  f.handle_everything();
  EXPECT_EQ(f.fetch().balance, money{0});
  const auto parked = f.parked("account:command-" + f.account + "+d7");
  ASSERT_EQ(parked.size(), 1u);
  EXPECT_NE(parked[0].reason.error.find("The id of its effect is taken by another message"), std::string::npos)
      << parked[0].reason.error;
}

}  // namespace
