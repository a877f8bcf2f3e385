#pragma once

#include <evt/relay/relay.hpp>
#include <evt/store/session.hpp>

#include <cstdint>
#include <string>

namespace order_outbox {

// Orders: a row in the orders table and, in the same transaction, the
// messages OrderPlaced then OrderPaid in order-<id> (the outbox: the
// category the relay delivers).
inline constexpr const char* category = "order";

void install(evt::store::session& session);  // the orders table (needs a role that may create tables)
void place(evt::store::session& session, const std::string& order_id, std::int64_t amount);

// What a file sink received, checked against the store: every message of
// the category delivered (no gap), first deliveries in the order written,
// and every duplicate flagged as a possible redelivery.
struct verdict {
  std::int64_t messages = 0;
  std::int64_t lines = 0;
  std::int64_t duplicates = 0;
  std::int64_t duplicates_flagged = 0;
  std::vector<std::string> problems;
};
verdict verify(evt::store::session& session, const std::string& sink_file);

}  // namespace order_outbox
