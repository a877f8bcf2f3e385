// What the message_store role may do, and (our schema only) that the
// functions work for any role and any search_path.
#include "support/database.hpp"
#include "support/names.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using namespace evt::test;

TEST(Privileges, TheRoleMayReadAndAppendButNotChangeOrDelete) {
  database db;
  const auto stream = unique_stream_name();
  db.write(stream);
  db.sql("INSERT INTO message_store.messages (stream_name, position, type) VALUES ($1, 1, 'SomeType')", stream);
  EXPECT_EQ(db.sql("SELECT count(*) FROM message_store.messages WHERE stream_name = $1", stream)[0][0].as<int>(), 2);
  EXPECT_EQ(error_of([&] { db.sql("UPDATE message_store.messages SET type = 'Changed' WHERE stream_name = $1", stream); }),
            "permission denied for table messages");
  EXPECT_EQ(error_of([&] { db.sql("DELETE FROM message_store.messages WHERE stream_name = $1", stream); }),
            "permission denied for table messages");
  EXPECT_EQ(error_of([&] { db.sql("TRUNCATE message_store.messages"); }), "permission denied for table messages");
  EXPECT_EQ(error_of([&] { db.sql("SELECT setval('message_store.messages_global_position_seq', 1)"); }),
            "permission denied for sequence messages_global_position_seq");
  EXPECT_EQ(db.stream(stream).size(), 2u);
}

TEST(Privileges, TheRoleMayReadTheViews) {
  database db;
  for (const char* view : {"stream_summary", "type_summary", "stream_type_summary", "type_stream_summary",
                           "category_type_summary", "type_category_summary"}) {
    EXPECT_NO_THROW(db.sql(std::string{"SELECT count(*) FROM message_store."} + view)) << view;
  }
}

TEST(Privileges, TheRoleMayCallEveryFunctionAndGenRandomUuid) {
  database db;
  const auto result = db.sql(
      "SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
      " WHERE n.nspname = 'message_store' AND NOT has_function_privilege('message_store', p.oid, 'EXECUTE')");
  EXPECT_EQ(result.size(), 0u) << result[0][0].as<std::string>();
  // Message DB's twelve; the optional notify part's trigger function (in the
  // integration cluster) is not for calling.
  EXPECT_EQ(db.sql("SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                   " WHERE n.nspname = 'message_store' AND p.proname <> 'notify_categories'")[0][0].as<int>(),
            12);
  EXPECT_EQ(db.sql("SELECT length(gen_random_uuid()::text)")[0][0].as<int>(), 36);
}

// Message DB's own functions call each other unqualified and only work as
// role message_store or with message_store on the search_path (Message DB
// issues #24, #49). Ours qualify every reference.
TEST(AnyRole, CanWriteAndReadWithoutMessageStoreOnTheSearchPath) {
  if (evt::test::official_message_db()) GTEST_SKIP() << "the official functions need message_store on the search_path";
  database db{evt::test::conninfo_as("postgres") + " options='-c search_path=pg_catalog'"};
  const auto stream = unique_stream_name();
  const auto category = db.sql("SELECT message_store.category($1)", stream)[0][0].as<std::string>();

  EXPECT_EQ(db.write(stream, "SomeType", nullptr, -1), 0);
  EXPECT_EQ(db.stream(stream).size(), 1u);
  EXPECT_EQ(db.category(category).size(), 1u);
  EXPECT_EQ(evt::test::message_rows(db.sql("SELECT * FROM message_store.get_category_messages($1, 1, 10, NULL, 0, 1)", category)).size(), 1u);
  EXPECT_EQ(db.sql("SELECT message_store.stream_version($1)", stream)[0][0].as<int>(), 0);
  EXPECT_EQ(evt::test::message_rows(db.sql("SELECT * FROM message_store.get_last_stream_message($1)", stream)).size(), 1u);
  EXPECT_EQ(db.sql("SELECT count(*) FROM message_store.type_category_summary WHERE category = $1", category)[0][0].as<int>(), 1);
}

}  // namespace
