#include <evt/uuid.hpp>

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>

TEST(RandomUuid, IsAVersion4UuidInLowerCase) {
  const std::regex form{"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"};
  for (int i = 0; i < 100; ++i) {
    const auto id = evt::random_uuid();
    EXPECT_TRUE(std::regex_match(id, form)) << id;
  }
}

TEST(RandomUuid, DoesNotRepeat) {
  std::set<std::string> ids;
  for (int i = 0; i < 10000; ++i) ids.insert(evt::random_uuid());
  EXPECT_EQ(ids.size(), 10000u);
}
