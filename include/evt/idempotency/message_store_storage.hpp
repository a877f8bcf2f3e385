#pragma once

#include <evt/idempotency/storage.hpp>
#include <evt/store/session.hpp>

#include <string>
#include <string_view>

namespace evt::idempotency {

// Records in the message store: one stream per key ("idempotency-<key>"),
// one message per change of the record (Initiated, TakenOver, Renewed,
// Released, Succeeded, Failed), each holding the whole record; the latest
// is the record, its position the version. Compare-and-set is the store's
// expected version, so creating a record is write.initial, and two callers
// cannot both change the same version. The history stays, as message store
// streams do: an expired record is replaced by the next Initiated, not
// deleted (the message_store role may not delete; old streams are removed,
// if at all, by an operator's retention job).
//
// Uses one session: one thread at a time, like the session.
class message_store_storage final : public storage {
 public:
  explicit message_store_storage(store::session& session, std::string category = "idempotency");

  std::optional<record> get(std::string_view key) override;
  bool put(const record& record, std::int64_t expected, transition transition) override;

  std::string stream_name(std::string_view key) const;

 private:
  store::session& session_;
  std::string category_;
};

}  // namespace evt::idempotency
