#include <evt/handler/dependency.hpp>
#include <evt/handler/handler.hpp>
#include <evt/reservation/reservation.hpp>
#include <evt/write/writer.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

namespace {

EVT_MESSAGE(Deposit, (std::string, deposit_id), (std::int64_t, amount));
EVT_MESSAGE(Withdraw, (std::string, withdrawal_id));
EVT_MESSAGE(Close, (std::string, account_id));

struct Commands : evt::handler {
  std::vector<std::string> handled;
  std::vector<std::string> raw;

  explicit Commands(bool strict = false) : evt::handler{"Commands", strict} {
    handle<Deposit>([this](const Deposit& deposit) { handled.push_back("Deposit " + deposit.deposit_id); });
    handle<Withdraw>(&Commands::withdraw);
  }
  void withdraw(const Withdraw& withdraw) { handled.push_back("Withdraw " + withdraw.withdrawal_id); }
  void with_generic_block() {
    handle_raw([this](const evt::store::message_data& row) { raw.push_back(row.type); });
  }
  void register_deposit_again() {
    handle<Deposit>([](const Deposit&) {});
  }
};

evt::store::message_data row(std::string type, std::optional<std::string> data) {
  return {.id = "id-1", .type = std::move(type), .stream_name = "account:command-1", .position = 4, .data = std::move(data)};
}

TEST(Handler, DispatchesTypedMessagesToTheirBlockOrMemberFunction) {
  Commands handler;
  const Deposit deposit{.deposit_id = "d1"};
  handler(deposit);
  handler(Withdraw{.withdrawal_id = "w1"});
  EXPECT_EQ(handler.handled, (std::vector<std::string>{"Deposit d1", "Withdraw w1"}));
  EXPECT_TRUE(handler.handles<Deposit>());
  EXPECT_FALSE(handler.handles<Close>());
}

TEST(Handler, DispatchesRawRowsByTypeReadingThemAsTheirMessage) {
  Commands handler;
  EXPECT_TRUE(handler(row("Deposit", R"({"depositId": "d2", "amount": 5})")));
  EXPECT_EQ(handler.handled, (std::vector<std::string>{"Deposit d2"}));
  EXPECT_TRUE(handler.handles("Withdraw"));
}

TEST(Handler, ARawRowThatDoesNotDecodeIsADecodeError) {
  Commands handler;
  EXPECT_THROW(handler(row("Deposit", R"({"amount": 5})")), evt::decode_error);
  EXPECT_TRUE(handler.handled.empty());
}

TEST(Handler, NonStrictIgnoresWhatItDoesNotHandle) {
  Commands handler{false};
  Close close{.account_id = "a1"};
  handler(close);
  EXPECT_FALSE(handler(row("Close", "{}")));
  EXPECT_TRUE(handler.handled.empty());
}

TEST(Handler, StrictRefusesWhatItDoesNotHandle) {
  Commands handler{true};
  Close close{.account_id = "a1"};
  try {
    handler(close);
    FAIL() << "a strict handler ignored a message";
  } catch (const evt::error& error) {
    EXPECT_EQ(std::string{error.what()}, "Commands does not implement a handler for Close. Cannot handle the message.");
  }
  try {
    handler(row("Close", "{}"));
    FAIL() << "a strict handler ignored message data";
  } catch (const evt::error& error) {
    EXPECT_EQ(std::string{error.what()}, "Commands does not implement `handle'. Cannot handle message data.");
  }
}

TEST(Handler, TheGenericBlockTakesRowsOfOtherTypes) {
  Commands handler{true};
  handler.with_generic_block();
  EXPECT_TRUE(handler(row("Close", "{}")));
  EXPECT_TRUE(handler(row("Deposit", R"({"depositId": "d3", "amount": 1})")));
  EXPECT_EQ(handler.raw, (std::vector<std::string>{"Close"}));
  EXPECT_EQ(handler.handled, (std::vector<std::string>{"Deposit d3"}));
}

TEST(Handler, ATypeCanBeRegisteredOnce) {
  Commands handler;
  try {
    handler.register_deposit_again();
    FAIL() << "registered twice";
  } catch (const evt::error& error) {
    EXPECT_EQ(std::string{error.what()}, "Deposit is already registered (Handler: Commands)");
  }
}

TEST(Handler, StrictnessDefaultsToHandleStrict) {
  ASSERT_EQ(setenv("HANDLE_STRICT", "on", 1), 0);
  EXPECT_TRUE(evt::handler{"H"}.is_strict());
  ASSERT_EQ(setenv("HANDLE_STRICT", "off", 1), 0);
  EXPECT_FALSE(evt::handler{"H"}.is_strict());
  ASSERT_EQ(unsetenv("HANDLE_STRICT"), 0);
  EXPECT_FALSE(evt::handler{"H"}.is_strict());
}

namespace shop {

struct Orders : evt::handler {
  evt::dependency<evt::writer> write{*this};
  evt::dependency<evt::reservation> reservation{*this};
};

}  // namespace shop

template <class T>
struct Generic : evt::handler {};

TEST(Handler, IsNamedAfterItsClassUnlessGivenAName) {
  shop::Orders orders;
  EXPECT_EQ(orders.name(), "Orders");
  Generic<shop::Orders> generic;
  EXPECT_EQ(generic.name(), "Generic<(anonymous namespace)::shop::Orders>");
  struct Local : evt::handler {};
  Local local;
  EXPECT_EQ(local.name(), "Local");
  struct Named : evt::handler {
    Named() : evt::handler{"Deposits"} {}
  } named;
  EXPECT_EQ(named.name(), "Deposits");
}

TEST(HandlerDependency, IsASubstituteUntilTheHandlerIsConfiguredThenBuiltOnItsSession) {
  shop::Orders orders;
  EXPECT_TRUE(orders.write.is_substitute());
  EXPECT_TRUE(orders.reservation.is_substitute());
  evt::store::session session{{.conninfo = "host=/nonexistent"}};  // building does not connect
  orders.configure(session);
  EXPECT_FALSE(orders.write.is_substitute());
  EXPECT_FALSE(orders.reservation.is_substitute());
  orders.write = evt::writer::substitute();  // a test may still put its own in
  EXPECT_TRUE(orders.write.is_substitute());
}

TEST(HandlerDependency, ASubstituteTheTestAssignedStaysAndAHandlerIsConfiguredForOneSessionOnly) {
  shop::Orders orders;
  orders.write = evt::writer::substitute();
  evt::store::session session{{.conninfo = "host=/nonexistent"}};
  orders.configure(session);
  EXPECT_TRUE(orders.write.is_substitute()) << "the test's own";
  EXPECT_FALSE(orders.reservation.is_substitute());
  orders.configure(session);  // again, as a second consumer on the session would
  EXPECT_FALSE(orders.reservation.is_substitute());
  evt::store::session another{{.conninfo = "host=/nonexistent"}};
  EXPECT_THROW(orders.configure(another), evt::error);
}

TEST(HandlerDependency, ADependencyGoneBeforeItsHandlerIsNotConfigured) {
  shop::Orders orders;
  {
    std::optional<evt::dependency<evt::writer>> passing;
    passing.emplace(orders);
  }
  evt::store::session session{{.conninfo = "host=/nonexistent"}};
  orders.configure(session);  // under AddressSanitizer, a use after free if it were
  EXPECT_FALSE(orders.write.is_substitute());
}

}  // namespace
