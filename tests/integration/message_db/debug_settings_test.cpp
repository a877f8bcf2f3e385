// message_store.debug, debug_write and debug_get make the functions trace
// their arguments as notices.
#include "support/database.hpp"
#include "support/names.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using namespace evt::test;

class notices : public pqxx::errorhandler {
 public:
  explicit notices(pqxx::connection_base& connection) : pqxx::errorhandler{connection} {}
  bool operator()(const char message[]) noexcept override {
    received.emplace_back(message);
    return false;
  }
  bool mention(const std::string& text) const {
    for (const auto& message : received)
      if (message.find(text) != std::string::npos) return true;
    return false;
  }
  std::vector<std::string> received;
};

TEST(DebugSettings, AreSilentByDefault) {
  database db;
  notices heard{db.connection()};
  const auto stream = unique_stream_name();
  db.write(stream);
  db.stream(stream);
  EXPECT_TRUE(heard.received.empty()) << heard.received.front();
}

TEST(DebugSettings, DebugWriteTracesWrites) {
  database db;
  notices heard{db.connection()};
  db.sql("SET message_store.debug_write = on");
  const auto stream = unique_stream_name();
  db.write(stream);
  EXPECT_TRUE(heard.mention("write_message"));
  EXPECT_TRUE(heard.mention(stream));
}

TEST(DebugSettings, DebugGetTracesReads) {
  database db;
  notices heard{db.connection()};
  const auto stream = unique_stream_name();
  db.write(stream);
  EXPECT_TRUE(heard.received.empty());
  db.sql("SET message_store.debug_get = on");
  db.stream(stream);
  EXPECT_TRUE(heard.mention("get_stream_messages"));
  db.sql("SELECT * FROM message_store.get_last_stream_message($1)", stream);
  EXPECT_TRUE(heard.mention("get_last"));
}

TEST(DebugSettings, DebugTracesEverything) {
  database db;
  notices heard{db.connection()};
  db.sql("SET message_store.debug = on");
  const auto stream = unique_stream_name();
  db.write(stream);
  db.category(db.sql("SELECT message_store.category($1)", stream)[0][0].as<std::string>());
  EXPECT_TRUE(heard.mention("write_message"));
  EXPECT_TRUE(heard.mention("acquire_lock"));
  EXPECT_TRUE(heard.mention("get_category_messages"));
}

}  // namespace
