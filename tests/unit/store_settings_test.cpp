// evt::store::with_conninfo_options: evt's own keyword in a conninfo, taken
// out before libpq sees it.
#include <evt/error.hpp>
#include <evt/store/settings.hpp>

#include <gtest/gtest.h>

#include <string>

namespace {

using evt::store::pool_mode;
using evt::store::with_conninfo_options;

evt::store::settings read(const std::string& conninfo) { return with_conninfo_options({.conninfo = conninfo}); }

std::string error_of(const std::string& conninfo) {
  try {
    read(conninfo);
  } catch (const evt::error& error) {
    return error.what();
  }
  return "no error";
}

TEST(StoreSettings, AConninfoWithoutTheKeywordIsLeftAsItIs) {
  const auto settings = read("host=/run/pg dbname=message_store password='a b evt'");
  EXPECT_EQ(settings.conninfo, "host=/run/pg dbname=message_store password='a b evt'");
  EXPECT_EQ(settings.pool_mode, pool_mode::session);
  EXPECT_EQ(read("").conninfo, "");
}

TEST(StoreSettings, TheKeywordIsTakenOutOfAKeywordValueConninfo) {
  auto settings = read("host=/run/pg evt_pool_mode=transaction dbname=message_store");
  EXPECT_EQ(settings.conninfo, "host=/run/pg  dbname=message_store");
  EXPECT_EQ(settings.pool_mode, pool_mode::transaction);

  settings = read("evt_pool_mode = 'transaction'");
  EXPECT_EQ(settings.conninfo, "");
  EXPECT_EQ(settings.pool_mode, pool_mode::transaction);

  settings = with_conninfo_options({.conninfo = "evt_pool_mode=session", .pool_mode = pool_mode::transaction});
  EXPECT_EQ(settings.pool_mode, pool_mode::session) << "the conninfo has the last word";
}

TEST(StoreSettings, AQuotedValueThatLooksLikeTheKeywordIsNotTheKeyword) {
  const auto settings = read(R"(password='x evt_pool_mode=transaction \' y' host=h)");
  EXPECT_EQ(settings.conninfo, R"(password='x evt_pool_mode=transaction \' y' host=h)");
  EXPECT_EQ(settings.pool_mode, pool_mode::session);
}

TEST(StoreSettings, TheKeywordIsTakenOutOfAUrisQuery) {
  auto settings = read("postgresql://u@h/message_store?evt_pool_mode=transaction&application_name=x");
  EXPECT_EQ(settings.conninfo, "postgresql://u@h/message_store?application_name=x");
  EXPECT_EQ(settings.pool_mode, pool_mode::transaction);

  settings = read("postgres:///message_store?host=/run/pg&evt_pool_mode=transaction");
  EXPECT_EQ(settings.conninfo, "postgres:///message_store?host=/run/pg");
  EXPECT_EQ(settings.pool_mode, pool_mode::transaction);

  settings = read("postgresql:///db?evt_pool_mode=transaction");
  EXPECT_EQ(settings.conninfo, "postgresql:///db");
}

TEST(StoreSettings, AnUnknownModeOrTheKeywordTwiceIsAnError) {
  EXPECT_EQ(error_of("evt_pool_mode=statement"), "evt_pool_mode must be session or transaction, not \"statement\"");
  EXPECT_EQ(error_of("evt_pool_mode=transaction host=h evt_pool_mode=session"),
            "The conninfo gives evt_pool_mode more than once");
  EXPECT_EQ(error_of("postgresql:///db?evt_pool_mode=transaction&evt_pool_mode=transaction"),
            "The conninfo gives evt_pool_mode more than once");
}

TEST(StoreSettings, AnUnreadableConninfoIsAnErrorThatQuotesNoneOfIt) {
  EXPECT_EQ(error_of("evt_pool_mode=transaction password=secret1 secret2"),
            "Unreadable conninfo: a keyword without a value");
  EXPECT_EQ(error_of("evt_pool_mode=transaction password='secret"), "Unreadable conninfo: a quoted value is not closed");
}

}  // namespace
