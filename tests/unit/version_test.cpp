#include <evt/version.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <string>

TEST(Version, IsTheProjectVersion) {
  EXPECT_EQ(evt::version(), EVT_PROJECT_VERSION);
}

TEST(Version, MessageDbVersionIsTheOneOurSchemaImplements) {
  std::ifstream file{EVT_MESSAGE_DB_VERSION_FILE};
  std::string schema_version;
  ASSERT_TRUE(std::getline(file, schema_version)) << EVT_MESSAGE_DB_VERSION_FILE;
  EXPECT_EQ(evt::message_db_version, schema_version);
}
