// Consumer groups: members of a group partition a category by the hash of
// each stream's cardinal id.
#include "support/database.hpp"
#include "support/names.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace {

using namespace evt::test;

std::vector<message_row> member_batch(database& db, const std::string& category, int member, int size,
                                      category_query query = {}) {
  query.consumer_group_member = member;
  query.consumer_group_size = size;
  return db.category(category, query);
}

TEST(ConsumerGroup, MembersPartitionTheCategoryExactly) {
  database db;
  const auto category = unique_category();
  for (int stream = 0; stream < 20; ++stream) db.write_many(stream_name(category, unique_id()), 3);

  constexpr int size = 3;
  std::multiset<std::int64_t> seen;
  std::map<std::string, int> member_of_stream;
  for (int member = 0; member < size; ++member) {
    for (const auto& row : member_batch(db, category, member, size)) {
      seen.insert(row.global_position);
      const auto [it, inserted] = member_of_stream.emplace(row.stream_name, member);
      EXPECT_EQ(it->second, member) << row.stream_name << " is split between members";
    }
  }
  std::multiset<std::int64_t> everything;
  for (const auto& row : db.category(category)) everything.insert(row.global_position);
  EXPECT_EQ(seen, everything);
  EXPECT_EQ(member_of_stream.size(), 20u);
}

TEST(ConsumerGroup, AMemberGetsTheStreamsWhoseCardinalIdHashesToIt) {
  database db;
  const auto category = unique_category();
  for (int stream = 0; stream < 10; ++stream) db.write(stream_name(category, unique_id()));
  for (int member = 0; member < 2; ++member) {
    for (const auto& row : member_batch(db, category, member, 2)) {
      EXPECT_EQ(db.sql("SELECT abs(message_store.hash_64(message_store.cardinal_id($1))) % 2", row.stream_name)[0][0]
                    .as<int>(),
                member);
    }
  }
}

TEST(ConsumerGroup, TwoMembersSplitTwoStreamsOfTenMessagesByStream) {
  database db;
  const auto category = unique_category();
  const auto first = stream_name(category, unique_id());
  const auto second = stream_name(category, unique_id());
  db.write_many(first, 10);
  db.write_many(second, 10);
  const auto member_0 = member_batch(db, category, 0, 2).size();
  const auto member_1 = member_batch(db, category, 1, 2).size();
  EXPECT_EQ(member_0 + member_1, 20u);
  EXPECT_TRUE(member_0 % 10 == 0 && member_1 % 10 == 0) << member_0 << " + " << member_1;
}

TEST(ConsumerGroup, CompoundIdsGoWithTheirCardinalId) {
  database db;
  const auto category = unique_category();
  const auto id = unique_id();
  db.write(stream_name(category, id));
  db.write(stream_name(category, id + "+" + unique_id()));
  db.write(stream_name(category, id + "+other"));
  for (int member = 0; member < 4; ++member) {
    const auto rows = member_batch(db, category, member, 4);
    EXPECT_TRUE(rows.empty() || rows.size() == 3u) << "member " << member << " got " << rows.size();
  }
}

TEST(ConsumerGroup, StreamsWithoutAnIdGoToNoMember) {
  database db;
  const auto category = unique_category();
  db.write(category);  // a stream named like its category has no cardinal id
  db.write(stream_name(category, unique_id()));
  EXPECT_EQ(db.category(category).size(), 2u);
  const auto rows = member_batch(db, category, 0, 1);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_NE(rows[0].stream_name, category);
}

TEST(ConsumerGroup, AnEmptyCardinalIdStillBelongsToExactlyOneMember) {
  database db;
  const auto category = unique_category();
  db.write(category + "-");
  std::size_t total = 0;
  for (int member = 0; member < 3; ++member) total += member_batch(db, category, member, 3).size();
  EXPECT_EQ(total, 1u);
}

TEST(ConsumerGroup, SizesBeyondSmallintWork) {
  if (official_message_db()) GTEST_SKIP() << "the official function casts the group size to smallint";
  database db;
  const auto category = unique_category();
  const auto stream = stream_name(category, unique_id());
  db.write(stream);
  const auto member = db.sql("SELECT abs(message_store.hash_64(message_store.cardinal_id($1)) % 40000)", stream)[0][0]
                          .as<int>();
  EXPECT_EQ(member_batch(db, category, member, 40000).size(), 1u);
  EXPECT_EQ(member_batch(db, category, (member + 1) % 40000, 40000).size(), 0u);
}

TEST(ConsumerGroup, BatchSizeLimitsEachMembersBatch) {
  database db;
  const auto category = unique_category();
  db.write_many(stream_name(category, unique_id()), 5);
  EXPECT_EQ(member_batch(db, category, 0, 1, {.batch_size = 2}).size(), 2u);
  EXPECT_EQ(member_batch(db, category, 0, 1, {.batch_size = -1}).size(), 5u);
}

TEST(ConsumerGroup, CombinesWithCorrelation) {
  database db;
  const auto category = unique_category();
  const auto correlation = unique_category("correlation");
  const auto metadata = R"({"correlationStreamName": ")" + stream_name(correlation, "1") + R"("})";
  for (int stream = 0; stream < 6; ++stream) {
    const auto name = stream_name(category, unique_id());
    db.write(name, "SomeType", metadata.c_str());
    db.write(name);
  }
  std::size_t total = 0;
  for (int member = 0; member < 2; ++member) {
    for (const auto& row : member_batch(db, category, member, 2, {.correlation = correlation.c_str()})) {
      EXPECT_EQ(row.position, 0);
      ++total;
    }
  }
  EXPECT_EQ(total, 6u);
}

struct invalid_group {
  const char* name;
  std::optional<std::int64_t> member;
  std::optional<std::int64_t> size;
  const char* message;
};

class ConsumerGroupArguments : public testing::TestWithParam<invalid_group> {};

TEST_P(ConsumerGroupArguments, AreCheckedWithAClearError) {
  database db;
  const auto& arguments = GetParam();
  EXPECT_EQ(error_of([&] {
              db.category("someCategory",
                          {.consumer_group_member = arguments.member, .consumer_group_size = arguments.size});
            }),
            arguments.message);
}

INSTANTIATE_TEST_SUITE_P(
    ConsumerGroup, ConsumerGroupArguments,
    testing::Values(
        invalid_group{"MemberWithoutSize", 1, std::nullopt,
                      "Consumer group member and size must be specified (Consumer Group Member: 1, Consumer Group Size: <NULL>)"},
        invalid_group{"SizeWithoutMember", std::nullopt, 2,
                      "Consumer group member and size must be specified (Consumer Group Member: <NULL>, Consumer Group Size: 2)"},
        invalid_group{"SizeBelowOne", 0, 0,
                      "Consumer group size must not be less than 1 (Consumer Group Member: 0, Consumer Group Size: 0)"},
        invalid_group{"NegativeMember", -1, 2,
                      "Consumer group member must not be less than 0 (Consumer Group Member: -1, Consumer Group Size: 2)"},
        invalid_group{"MemberEqualToSize", 2, 2,
                      "Consumer group member must be less than the group size (Consumer Group Member: 2, Consumer Group Size: 2)"},
        invalid_group{"MemberAboveSize", 3, 2,
                      "Consumer group member must be less than the group size (Consumer Group Member: 3, Consumer Group Size: 2)"}),
    [](const testing::TestParamInfo<invalid_group>& info) { return std::string{info.param.name}; });

}  // namespace
