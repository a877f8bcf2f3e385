// Where a consumer resumes when the size of its group changed since its
// position streams last recorded (evt::position_family): never past a
// message of its new share that the group before had not reached.
#include <evt/consumer/position_family.hpp>
#include <evt/consumer/position_store.hpp>
#include <evt/store/put.hpp>

#include "support/database.hpp"
#include "support/names.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace {

using namespace evt::test;
using evt::store::consumer_group;

struct fixture {
  evt::store::session session{{.conninfo = conninfo()}};
  std::string category = unique_category();
  evt::position_family family{category, "alone", "member"};

  void record(const std::optional<consumer_group>& group, std::int64_t position,
              std::optional<std::int64_t> start = std::nullopt) {
    evt::store::put(session, evt::position_store::recorded(position, group, start), family.stream_name(group));
  }
  std::optional<evt::position_family::resumption> resume(const std::optional<consumer_group>& group) {
    return family.resume(session, group);
  }
};

consumer_group member(std::int64_t member, std::int64_t size) { return {.member = member, .size = size}; }

TEST(PositionFamily, NamesTheStreamAloneAndEachMembersStream) {
  fixture f;
  EXPECT_EQ(f.family.stream_name(std::nullopt), f.category + ":position-alone");
  EXPECT_EQ(f.family.stream_name(member(2, 3)), f.category + ":position-member+2");
}

TEST(PositionFamily, NothingRecordedAnywhereIsNothing) {
  fixture f;
  EXPECT_FALSE(f.resume(std::nullopt));
  EXPECT_FALSE(f.resume(member(1, 2)));
}

TEST(PositionFamily, ARestartInTheSameConfigurationResumesFromItsOwnPosition) {
  fixture f;
  f.record(std::nullopt, 42);
  const auto alone = f.resume(std::nullopt);
  ASSERT_TRUE(alone);
  EXPECT_EQ(alone->position, 42);
  EXPECT_FALSE(alone->change);

  f.record(member(0, 2), 100, 30);
  f.record(member(1, 2), 60, 30);
  f.record(member(0, 2), 120, 30);
  const auto zero = f.resume(member(0, 2));
  ASSERT_TRUE(zero);
  EXPECT_EQ(zero->position, 120);
  EXPECT_EQ(zero->group_start, 30) << "carried on with its positions";
  EXPECT_FALSE(zero->change);
}

TEST(PositionFamily, AGroupStartedAfterAConsumerAloneStartsWhereItWas) {
  fixture f;
  f.record(std::nullopt, 42);
  for (std::int64_t m = 0; m < 2; ++m) {
    const auto resumed = f.resume(member(m, 2));
    ASSERT_TRUE(resumed);
    EXPECT_EQ(resumed->position, 42);
    EXPECT_EQ(resumed->group_start, 42);
    ASSERT_TRUE(resumed->change);
    EXPECT_NE(resumed->change->find("changed from one consumer to a group of 2"), std::string::npos) << *resumed->change;
  }
}

TEST(PositionFamily, AGroupOfAnotherSizeStartsAtTheLowestPositionTheGroupBeforeRecorded) {
  fixture f;
  f.record(member(0, 2), 100);
  f.record(member(1, 2), 60);
  for (std::int64_t m = 0; m < 3; ++m) {
    const auto resumed = f.resume(member(m, 3));
    ASSERT_TRUE(resumed);
    EXPECT_EQ(resumed->position, 60) << "member " << m;
    EXPECT_EQ(resumed->group_start, 60);
    ASSERT_TRUE(resumed->change);
    EXPECT_NE(resumed->change->find("member 0 of 2 at 100, member 1 of 2 at 60"), std::string::npos) << *resumed->change;
  }
}

// Member 0 of the new group started, and recorded over its old position:
// the others still start where it did, not where it got to.
TEST(PositionFamily, MembersStartingLaterStartWhereTheFirstOfTheirGroupStarted) {
  fixture f;
  f.record(member(0, 2), 100);
  f.record(member(1, 2), 60);
  f.record(member(0, 3), 60, 60);
  f.record(member(0, 3), 500, 60);
  for (std::int64_t m = 1; m < 3; ++m) {
    const auto resumed = f.resume(member(m, 3));
    ASSERT_TRUE(resumed);
    EXPECT_EQ(resumed->position, 60) << "member " << m;
  }
}

TEST(PositionFamily, BackToOneConsumerStartsAtTheLowestPositionOfTheGroup) {
  fixture f;
  f.record(std::nullopt, 42);  // before the group
  f.record(member(0, 3), 200, 42);
  f.record(member(1, 3), 150, 42);
  f.record(member(2, 3), 300, 42);
  const auto alone = f.resume(std::nullopt);
  ASSERT_TRUE(alone);
  EXPECT_EQ(alone->position, 150) << "not 42, the position it had alone before the group, nor past a member";
  EXPECT_FALSE(alone->group_start);
  ASSERT_TRUE(alone->change);
  EXPECT_NE(alone->change->find("changed from a group of 3 to one consumer"), std::string::npos) << *alone->change;
}

TEST(PositionFamily, AMemberOfTheGroupBeforeThatRecordedNothingHoldsItsShareBackToWhereThatGroupStarted) {
  fixture f;
  f.record(member(0, 2), 100, 30);  // member 1 of 2 never recorded
  const auto resumed = f.resume(member(0, 3));
  ASSERT_TRUE(resumed);
  EXPECT_EQ(resumed->position, 30);

  fixture legacy;  // positions that do not say where their group started
  legacy.record(std::nullopt, 10);
  legacy.record(member(0, 2), 100);
  const auto lowest = legacy.resume(member(0, 3));
  ASSERT_TRUE(lowest);
  EXPECT_EQ(lowest->position, 10) << "the lowest position recorded at all";
}

TEST(PositionFamily, AMembersPositionThatDoesNotSayItsGroupSizeCountsAsAnotherGroup) {
  fixture f;
  f.record(std::nullopt, 20);
  evt::store::put(f.session, evt::position_store::recorded(90), f.family.stream_name(member(0, 2)));
  const auto resumed = f.resume(member(0, 2));
  ASSERT_TRUE(resumed);
  EXPECT_EQ(resumed->position, 20) << "the lowest position recorded at all";
}

TEST(PositionFamily, AnotherWritersMessageInAnotherMembersStreamDoesNotStopAMemberResuming) {
  fixture f;
  f.record(member(0, 2), 100);
  f.record(member(1, 2), 60);
  evt::store::put(f.session, {.type = "Recorded", .data = R"({"nothing": 1})"}, f.family.stream_name(member(1, 2)));
  const auto resumed = f.resume(member(0, 2));
  ASSERT_TRUE(resumed);
  EXPECT_EQ(resumed->position, 100);
}

// A size no one runs (written by hand): its members' streams are not looked
// for (a query of that many names), the record counts as another group's.
TEST(PositionFamily, ARecordedSizeNoOneRunsIsNotScanned) {
  fixture f;
  f.record(std::nullopt, 5);
  f.record(member(0, 4'000'000'000'000'000'000), 90);
  const auto resumed = f.resume(member(0, 3));
  ASSERT_TRUE(resumed);
  EXPECT_EQ(resumed->position, 5) << "the lowest position recorded at all";
}

}  // namespace
