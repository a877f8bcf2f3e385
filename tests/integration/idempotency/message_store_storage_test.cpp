// The idempotency manager on the message store: the shared contract
// (each caller with a session of its own), and what the store holds.
#include "support/idempotency_contract.hpp"

#include <evt/base64.hpp>
#include <evt/clock.hpp>
#include <evt/idempotency/message_store_storage.hpp>
#include <evt/store/put.hpp>
#include <evt/store/session.hpp>

#include "support/database.hpp"
#include "support/names.hpp"

#include <nlohmann/json.hpp>

namespace {

using namespace evt::test;
using namespace std::chrono_literals;
namespace idempotency = evt::idempotency;
using json = nlohmann::json;

struct message_store_world {
  explicit message_store_world(fake_clock&) {}

  // A session and storage per caller, as each thread of a service has.
  std::shared_ptr<idempotency::storage> caller() {
    struct owned {
      evt::store::session session{{.conninfo = conninfo()}};
      idempotency::message_store_storage storage;
      explicit owned(const std::string& category) : storage{session, category} {}
    };
    auto bundle = std::make_shared<owned>(category);
    return {bundle, &bundle->storage};
  }
  std::string unique_key() { return unique_id(); }

  std::string category = unique_category("idempotency");
};

INSTANTIATE_TYPED_TEST_SUITE_P(MessageStore, IdempotencyManager, message_store_world);

struct fixture {
  evt::store::session session{{.conninfo = conninfo()}};
  std::string category = unique_category("idempotency");
  idempotency::message_store_storage storage{session, category};
  fake_clock clock;
  idempotency::settings settings{.lease = 1s, .retention = 1h, .clock = [this] { return clock.now(); }};
  std::string key = unique_id();
  database db;
};

TEST(IdempotencyMessageStore, EachChangeIsAMessageHoldingTheWholeRecordInTheKeysStream) {
  fixture f;
  idempotency::manager<std::string, idempotency::failure, idempotency::json_serializer> crashed{f.storage, f.settings};
  idempotency::manager<std::string, idempotency::failure, idempotency::json_serializer> rescuer{f.storage, f.settings};
  ASSERT_TRUE(crashed.initiate(idempotency::holder::make(), f.key, "fingerprint"));
  f.clock.advance(2s);
  const auto rescuing = idempotency::holder::make();
  ASSERT_TRUE(rescuer.initiate(rescuing, f.key, "fingerprint"));
  rescuer.renew(rescuing, f.key);
  rescuer.success(rescuing, f.key, "receipt ünï");

  const auto stream = f.category + "-" + f.key;
  EXPECT_EQ(f.storage.stream_name(f.key), stream);
  const auto rows = f.db.stream(stream);
  std::vector<std::string> types;
  for (const auto& row : rows) types.push_back(row.type);
  EXPECT_EQ(types, (std::vector<std::string>{"Initiated", "TakenOver", "Renewed", "Succeeded"}));
  const auto last = json::parse(*rows.back().data);
  EXPECT_EQ(last["key"], f.key);
  EXPECT_EQ(last["status"], "success");
  EXPECT_EQ(last["context"], "fingerprint");
  EXPECT_EQ(last["attempt"], 2);
  EXPECT_EQ(last["owner"], rescuing.token());
  EXPECT_EQ(last["format"], "json");
  EXPECT_EQ(last["result"], R"({"value":"receipt ünï"})");  // JSON results stay readable
  EXPECT_EQ(last["expiresAt"], evt::iso8601(f.clock.now() + 1h));
  EXPECT_EQ(rescuer.get(f.key)->stored.version, 3);
}

TEST(IdempotencyMessageStore, ABinaryResultIsBase64InTheStoreAndReadsBackExactly) {
  fixture f;
  idempotency::manager<receipt> records{f.storage, f.settings};
  const auto me = idempotency::holder::make();
  ASSERT_TRUE(records.initiate(me, f.key));
  records.success(me, f.key, a_receipt());
  const auto last = json::parse(*f.db.stream(f.storage.stream_name(f.key)).back().data);
  EXPECT_EQ(last["format"], "msgpack");
  EXPECT_EQ(evt::base64_decode(last["result"].get<std::string>()), idempotency::msgpack_serializer::serialize(a_receipt()));
  EXPECT_EQ(records.get(f.key)->result, a_receipt());
}

TEST(IdempotencyMessageStore, AnExpiredRecordIsReplacedInItsStreamNotDeleted) {
  fixture f;
  idempotency::manager<std::string> records{f.storage, f.settings};
  const auto me = idempotency::holder::make();
  ASSERT_TRUE(records.initiate(me, f.key, "first"));
  records.success(me, f.key, "one");
  f.clock.advance(2h);
  ASSERT_TRUE(records.initiate(me, f.key, "second"));
  const auto rows = f.db.stream(f.storage.stream_name(f.key));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows.back().type, "Initiated");
  EXPECT_EQ(json::parse(*rows.back().data)["context"], "second");
}

TEST(IdempotencyMessageStore, AMalformedRecordIsADecodeErrorNamingStreamAndPosition) {
  fixture f;
  const auto stream = f.storage.stream_name(f.key);
  evt::store::put(f.session, {.type = "Initiated", .data = R"({"key": ")" + f.key + R"(", "status": "lost"})"}, stream);
  idempotency::manager<std::string> records{f.storage, f.settings};
  try {
    records.get(f.key);
    FAIL() << "no error";
  } catch (const evt::decode_error& error) {
    EXPECT_EQ(error.stream_name(), stream);
    EXPECT_EQ(error.position(), 0);
    EXPECT_EQ(error.field(), "context");
  }
}

TEST(IdempotencyMessageStore, AnInvalidCategoryIsRefusedWhenTheStorageIsMade) {
  evt::store::session session{{.conninfo = conninfo()}};
  EXPECT_THROW(idempotency::message_store_storage(session, "with-dash"), evt::stream_name_error);
  EXPECT_THROW(idempotency::message_store_storage(session, ""), evt::stream_name_error);
}

}  // namespace
