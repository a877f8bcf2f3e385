// The server ends our backend (pg_terminate_backend) while a batch is being
// written: the batch is all or nothing, the caller gets a retriable
// connection_error that says the outcome is unknown, and writing the same
// batch again with the same expected version settles it.
#include <evt/error.hpp>
#include <evt/store/get.hpp>
#include <evt/store/put.hpp>
#include <evt/store/session.hpp>

#include "support/database.hpp"
#include "support/names.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace evt::test;

std::vector<evt::store::new_message> batch_of(int count) {
  std::vector<evt::store::new_message> batch;
  for (int i = 0; i < count; ++i) {
    batch.push_back({.type = "SomeType", .data = R"({"attribute":")" + std::string(200, 'x') + R"("})",
                     .id = unique_id()});
  }
  return batch;
}

// Terminates the backend of the connection named `application`, once it is
// inside a transaction that has written (it has a transaction id). Returns
// whether it found and terminated it within 30 s.
std::future<bool> terminate_when_writing(const std::string& application) {
  return std::async(std::launch::async, [application] {
    database superuser{conninfo_as("postgres")};
    for (const auto until = std::chrono::steady_clock::now() + std::chrono::seconds{30};
         std::chrono::steady_clock::now() < until;) {
      const auto terminated = superuser.sql(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
          "WHERE application_name = $1 AND state = 'active' AND backend_xid IS NOT NULL",
          application);
      if (!terminated.empty() && terminated[0][0].as<bool>()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds{1});
    }
    return false;
  });
}

TEST(TerminatedBackend, ABatchCutOffMidWriteIsAllOrNothingAndTheRetrySettlesIt) {
  const auto application = "evt-victim-" + unique_id();
  evt::store::session session{{.conninfo = conninfo() + " application_name=" + application}};
  const auto stream = unique_stream_name();
  evt::store::put(session, {.type = "Before"}, stream);
  // Large enough that the write is surely still going when found writing.
  const auto batch = batch_of(20000);

  auto terminated = terminate_when_writing(application);
  try {
    evt::store::put(session, batch, stream, 0);
    FAIL() << "the batch was written before its backend was terminated: make it larger";
  } catch (const evt::connection_error& error) {
    EXPECT_TRUE(error.outcome_unknown());
    EXPECT_NE(std::string{error.what()}.find("may or may not have been committed (Operation: write, Stream: " + stream),
              std::string::npos)
        << error.what();
  }
  ASSERT_TRUE(terminated.get());

  // All or nothing. (Nothing, but for the tiny window where the backend is
  // ended after its COMMIT and before its reply: then all.)
  const auto rows = database{}.stream(stream);
  ASSERT_TRUE(rows.size() == 1u || rows.size() == 20001u) << rows.size() << " rows: part of the batch";
  EXPECT_EQ(rows[0].type, "Before");

  // The caller's check: the same batch with the same expected version
  // succeeds if the first did not commit, and is refused if it did.
  if (rows.size() == 1u) {
    EXPECT_EQ(evt::store::put(session, batch, stream, 0), 20000);
  }
  EXPECT_THROW(evt::store::put(session, batch, stream, 0), evt::expected_version_error)
      << "a second attempt after a committed first is refused, never doubled";
  EXPECT_EQ(evt::store::stream_version(session, stream), 20000);
}

TEST(TerminatedBackend, ATransactionCutOffMidWayWritesNothingAndSaysSo) {
  const auto application = "evt-victim-" + unique_id();
  evt::store::session session{{.conninfo = conninfo() + " application_name=" + application}};
  const auto first = unique_stream_name();
  const auto second = unique_stream_name();

  auto terminated = terminate_when_writing(application);
  try {
    session.transaction([&](evt::store::transaction& transaction) {
      evt::store::put(transaction, {.type = "First"}, first);
      evt::store::put(transaction, batch_of(20000), second);
    });
    FAIL() << "the transaction committed before its backend was terminated";
  } catch (const evt::connection_error& error) {
    EXPECT_FALSE(error.outcome_unknown()) << error.what();
  }
  ASSERT_TRUE(terminated.get());
  EXPECT_TRUE(database{}.stream(first).empty());
  EXPECT_TRUE(database{}.stream(second).empty());
  // The session reconnects by itself.
  EXPECT_EQ(evt::store::put(session, {.type = "After"}, first), 0);
}

}  // namespace
