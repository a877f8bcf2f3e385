#include <evt/entity/entity_store.hpp>

#include "support/account.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using namespace evt::test;

evt::store::message_data row(const auto& message, std::int64_t position) {
  const auto written = evt::export_message(message);
  return {.id = "id", .type = written.type, .stream_name = "account-1", .position = position, .data = written.data};
}

TEST(Projection, AppliesEventsOfItsTypesAndIgnoresOthers) {
  const auto projection = account_projection();
  Account account;
  EXPECT_TRUE(projection(account, row(Deposited{.account_id = "1", .amount = 100}, 0)));
  EXPECT_TRUE(projection(account, row(Withdrawn{.account_id = "1", .amount = evt::money::parse("30.5")}, 1)));
  EXPECT_FALSE(projection(account, evt::store::message_data{.type = "Opened", .data = "{}"}));
  EXPECT_EQ(account.balance.to_string(), "69.5");
  EXPECT_EQ(account.applied, 2);
}

TEST(Projection, AppliesATypeOnce) {
  auto projection = account_projection();
  EXPECT_THROW(projection.apply<Deposited>([](Account&, const Deposited&) {}), evt::error);
}

TEST(EntityStoreSubstitute, AnswersWhatWasAddedOrANewEntity) {
  evt::entity_store<Account> store{"account", account_projection()};
  const auto fresh = store.fetch("1");
  EXPECT_EQ(fresh.version, evt::no_stream);
  EXPECT_EQ(fresh.entity.balance, evt::money{0});

  store.add("2", Account{.id = "2", .balance = 50}, 7);
  const auto added = store.fetch("2");
  EXPECT_EQ(added.version, 7);
  EXPECT_EQ(added.entity.balance, evt::money{50});
}

TEST(EntityStoreCache, KeepsTheEntitiesUsedMostRecentlyUpToItsSize) {
  evt::entity_store<Account> store{"account", account_projection()};
  EXPECT_EQ(store.cache_size(), evt::entity_store<Account>::default_cache_size);
  store.with_cache_size(2);
  store.add("1", Account{.id = "1", .balance = 10}, 1);
  store.add("2", Account{.id = "2", .balance = 20}, 2);
  EXPECT_EQ(store.fetch("1").version, 1) << "1 is now used more recently than 2";
  store.add("3", Account{.id = "3", .balance = 30}, 3);
  EXPECT_EQ(store.cached_entities(), 2u);
  EXPECT_EQ(store.fetch("2").version, evt::no_stream) << "the least recently used went";
  EXPECT_EQ(store.fetch("1").version, evt::no_stream) << "then 1, the least recent once 2 and 3 were used";
  EXPECT_EQ(store.cached_entities(), 2u);
  EXPECT_THROW(store.with_cache_size(0), evt::error);
}

TEST(EntityStoreCache, ACopyOfTheStoreIsWhole) {
  evt::entity_store<Account> store{"account", account_projection()};
  store.with_cache_size(2);
  store.add("1", Account{.id = "1", .balance = 1}, 1);
  auto copy = store;
  copy.add("2", Account{.id = "2", .balance = 2}, 2);
  copy.add("3", Account{.id = "3", .balance = 3}, 3);
  EXPECT_EQ(copy.fetch("3").version, 3);
  EXPECT_EQ(copy.cached_entities(), 2u);
  EXPECT_EQ(store.fetch("1").version, 1) << "the original is its own";
}

}  // namespace
