// The account component against the real store, in-process: commands
// written by the client library, handled by the component's consumer until
// it is caught up, the result read back by the entity store.
#include "client/client.hpp"
#include "component/component.hpp"
#include "component/store.hpp"
#include "messages/events/deposited.hpp"

#include <evt/dead_letter/dead_letter.hpp>
#include <evt/store/put.hpp>
#include <evt/store/read.hpp>
#include <evt/stream_name.hpp>
#include <evt/uuid.hpp>

#include "support/database.hpp"

#include <gtest/gtest.h>

#include <algorithm>
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

}  // namespace
