// A Ruby account component (hubbado's reservation, Eventide's one position
// stream) and ours take turns on the same categories, each stopping at
// any moment: every command takes effect exactly once, nothing twice and
// nothing skipped, without anyone computing positions by hand (SPEC 1: the
// same reservation streams; ours keeps two position streams, Ruby reads
// one).
#include "component/component.hpp"
#include "ruby_account_component.hpp"

#include <evt/store/put.hpp>
#include <evt/uuid.hpp>

#include "support/database.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace {

struct fixture {
  evt::store::session session{{.conninfo = evt::test::conninfo()}};
  std::string prefix = "handover" + evt::random_uuid().substr(0, 8);
  std::map<std::string, int> expected;  // account -> balance
  std::vector<std::string> keys;        // every deposit key issued
  int issued = 0;

  std::string account(int n) const { return prefix + "-" + std::to_string(n); }

  void command(const std::string& type, const std::string& account, const std::string& data) {
    evt::store::put(session, {.type = type, .data = data}, "account:command-" + account);
  }
  void open(int n) {
    command("Open", account(n), R"({"accountId": ")" + account(n) + R"(", "customerId": "c", "time": "2026-12-07T10:00:00.000Z"})");
  }
  // A new deposit to account n, and again each of the last few (issued again).
  void deposits(int count) {
    for (int i = 0; i < count; ++i) {
      const auto n = issued % 5;
      const auto key = prefix + "-d" + std::to_string(issued++);
      keys.push_back(key);
      expected[account(n)] += 10;
      for (int times = 0; times < 2; ++times) {
        command("Deposit", account(n),
                R"({"depositId": ")" + key + R"(", "accountId": ")" + account(n) +
                    R"(", "amount": 10, "time": "2026-12-07T10:00:00.000Z"})");
      }
    }
  }

  void check() {
    evt::test::database database;
    const auto twice = database.sql(
        "SELECT count(*) FROM (SELECT data->>'depositId' FROM message_store.messages WHERE stream_name LIKE $1"
        " AND type = 'Deposited' GROUP BY 1 HAVING count(*) > 1) s",
        "account-" + prefix + "-%");
    EXPECT_EQ(twice[0][0].as<int>(), 0) << "deposits applied twice";
    for (const auto& [account, balance] : expected) {
      const auto sum = database.sql(
          "SELECT coalesce(sum((data->>'amount')::numeric), 0)::int FROM message_store.messages"
          " WHERE stream_name = $1 AND type = 'Deposited'",
          "account-" + account);
      EXPECT_EQ(sum[0][0].as<int>(), balance) << account;
    }
  }
};

TEST(AccountComponentHandover, RubyAndOursTakeTurnsStoppingAnywhereAndEachCommandTakesEffectOnce) {
  fixture f;
  account_component::test::ruby_account_component ruby{.session = f.session, .position_update_interval = 7};
  // Whatever the tests before left: everything handled, by ours.
  account_component::component{f.session, {.wake_on_notify = false}}.run_until_caught_up();

  for (int n = 0; n < 5; ++n) f.open(n);
  f.deposits(20);
  ruby.run(23);  // stops part-way: reserved some, applied some, recorded less
  {
    account_component::component ours{f.session, {.wake_on_notify = false}};
    ours.run_until_caught_up();
  }
  f.check();

  {
    // Ours reserves the next deposits and stops before applying their copies.
    account_component::component ours{f.session, {.wake_on_notify = false}};
    ours.reserved_copies().run_until_caught_up();
    f.deposits(20);
    ours.reservations().run_until_caught_up();
  }
  ruby.run();  // reads Eventide's position stream alone
  f.check();

  f.deposits(20);
  ruby.run(11);
  account_component::component{f.session, {.wake_on_notify = false}}.run_until_caught_up();
  f.check();
}

}  // namespace
