// A connection password never appears in an error or a log line, even where
// libpq quotes the malformed piece of a conninfo (which may be the password).
#include <evt/consumer/consumer.hpp>
#include <evt/error.hpp>
#include <evt/store/get.hpp>
#include <evt/store/session.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

// Each conninfo below makes libpq quote (part of) its password in its error
// text, except the plain keyword ones, there for completeness. "zz" marks
// every password; "*" ones test the blanking itself.
struct case_ {
  std::string conninfo;
  std::string secret;  // what must not appear
};
const std::vector<case_> cases = {
    {"postgresql://message_store:pa%zzword@/message_store?host=/nonexistent", "zzword"},
    {"postgresql:///message_store?host=/nonexistent&password=pa%zzword", "zzword"},
    {"postgresql:///message_store?host=/nonexistent&%70assword=pa%zzword", "zzword"},
    {"postgresql:///message_store?host=/nonexistent&password=pa zz%zzword", "zzword"},
    {"postgresql://message_store:p?a%zzword@localhost/message_store", "zzword"},
    {"postgresql://message_store:pa/zzword@localhost/message_store", "zzword"},
    {"postgresql://message_store:pazz/word@localhost/message_store", "pazz"},
    {"host=/nonexistent dbname=message_store password=pa zzword", "zzword"},
    {"host=/nonexistent dbname=message_store password=pa%zzword", "zzword"},
    {"host=/nonexistent dbname=message_store password = 'pa zzword'", "zzword"},
    {"host=/nonexistent dbname=message_store password=* *", "\"*\""},
};

TEST(Secrets, APasswordIsNotInTheErrorOfAFailedConnection) {
  for (const auto& [conninfo, secret] : cases) {
    evt::store::session session{{.conninfo = conninfo}};
    try {
      evt::store::stream_version(session, "someStream-1");
      FAIL() << "connected with " << conninfo;
    } catch (const evt::connection_error& error) {
      const std::string text = error.what();
      EXPECT_EQ(text.find(secret), std::string::npos) << text;
      EXPECT_EQ(text.rfind("Cannot connect to the message store (Operation: ", 0), 0u) << text;
    }
  }
}

TEST(Secrets, APasswordIsNotInTheLogOfAConsumerWaitingForTheStore) {
  for (const auto& [conninfo, secret] : cases) {
    evt::store::session session{{.conninfo = conninfo}};
    std::mutex guard;
    std::vector<std::string> lines;
    evt::consumer consumer{session, {.category = "someCategory",
                                     .transient_retry_delay = std::chrono::milliseconds{1},
                                     .log = [&](const std::string& line) {
                                       const std::lock_guard lock{guard};
                                       lines.push_back(line);
                                     }}};
    std::thread running{[&] { consumer.run(); }};
    for (int i = 0; i < 500; ++i) {
      {
        const std::lock_guard lock{guard};
        if (lines.size() >= 3) break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds{10});
    }
    consumer.stop();
    running.join();
    ASSERT_GE(lines.size(), 3u) << conninfo;
    for (const auto& line : lines) {
      EXPECT_EQ(line.find(secret), std::string::npos) << line;
      EXPECT_EQ(line.rfind("Connection lost; retrying in ", 0), 0u) << line;
    }
  }
}

}  // namespace
