// evt::store::category_lag: how many messages of a category come after a
// position (a group member's share only), and when the first was written.
#include <evt/error.hpp>
#include <evt/store/get.hpp>
#include <evt/store/lag.hpp>
#include <evt/store/put.hpp>

#include "support/names.hpp"
#include "support/database.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using namespace evt::test;
using evt::store::category_lag;
using evt::store::consumer_group;

struct fixture {
  evt::store::session session{{.conninfo = conninfo()}};
  std::string category = unique_category();

  // `count` messages over `streams` streams; returns them as the store has them.
  std::vector<evt::store::message_data> write(int count, int streams = 1) {
    for (int i = 0; i < count; ++i) {
      evt::store::put(session, {.type = "SomeType", .data = "{}"}, stream_name(category, "s" + std::to_string(i % streams)));
    }
    return evt::store::get_category(session, category);
  }
};

TEST(CategoryLag, CountsTheMessagesAfterThePositionAndGivesTheFirstOnesTime) {
  fixture f;
  const auto messages = f.write(5);
  const auto lag = category_lag(f.session, f.category, messages[1].global_position);
  EXPECT_EQ(lag.messages, 3);
  EXPECT_EQ(lag.oldest_time, messages[2].time);
}

TEST(CategoryLag, CountsEveryMessageFromPositionZero) {
  fixture f;
  const auto messages = f.write(3);
  const auto lag = category_lag(f.session, f.category, 0);
  EXPECT_EQ(lag.messages, 3);
  EXPECT_EQ(lag.oldest_time, messages[0].time);
}

TEST(CategoryLag, IsNothingAtTheLastMessage) {
  fixture f;
  const auto messages = f.write(3);
  const auto lag = category_lag(f.session, f.category, messages.back().global_position);
  EXPECT_EQ(lag.messages, 0);
  EXPECT_FALSE(lag.oldest_time);
}

TEST(CategoryLag, IsNothingPastTheEnd) {
  fixture f;
  const auto messages = f.write(2);
  const auto lag = category_lag(f.session, f.category, messages.back().global_position + 1000);
  EXPECT_EQ(lag.messages, 0);
  EXPECT_FALSE(lag.oldest_time);
}

TEST(CategoryLag, IsNothingForAnEmptyCategory) {
  fixture f;
  const auto lag = category_lag(f.session, f.category, 0);
  EXPECT_EQ(lag.messages, 0);
  EXPECT_FALSE(lag.oldest_time);
}

TEST(CategoryLag, CountsOnlyAGroupMembersShareAsTheMemberReadsIt) {
  fixture f;
  const auto messages = f.write(40, 12);
  const auto position = messages[9].global_position;
  std::int64_t shares = 0;
  for (std::int64_t member = 0; member < 3; ++member) {
    const consumer_group group{.member = member, .size = 3};
    const auto mine = evt::store::get_category(f.session, f.category, {.position = position + 1, .consumer_group = group});
    const auto lag = category_lag(f.session, f.category, position, group);
    EXPECT_EQ(lag.messages, static_cast<std::int64_t>(mine.size())) << "member " << member;
    if (mine.empty()) {
      EXPECT_FALSE(lag.oldest_time);
    } else {
      EXPECT_EQ(lag.oldest_time, mine.front().time) << "member " << member;
    }
    shares += lag.messages;
  }
  EXPECT_EQ(shares, 30) << "the members' shares add up to the category's lag";
}

TEST(CategoryLag, RefusesAStreamNameAndAnInconsistentGroupBeforeAsking) {
  evt::store::session session{{.conninfo = "host=/nonexistent dbname=none"}};  // never reached
  try {
    category_lag(session, "account-1", 0);
    ADD_FAILURE() << "no error";
  } catch (const evt::stream_name_error& error) {
    EXPECT_STREQ(error.what(), "Must be a category (Stream Name: account-1)");
  }
  try {
    category_lag(session, "account", 0, consumer_group{.member = 2, .size = 2});
    ADD_FAILURE() << "no error";
  } catch (const evt::consumer_group_error& error) {
    EXPECT_STREQ(error.what(),
                 "Consumer group member must be less than the group size (Consumer Group Member: 2, Consumer Group Size: 2)");
  }
}

}  // namespace
