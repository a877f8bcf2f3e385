#include "orders/orders.hpp"

#include <evt/error.hpp>
#include <evt/message/data_json.hpp>
#include <evt/store/get.hpp>
#include <evt/store/put.hpp>
#include <evt/stream_name.hpp>

#include <fstream>
#include <map>
#include <set>

namespace order_outbox {

void install(evt::store::session& session) {
  session.transaction([](evt::store::transaction& t) {
    t.execute("CREATE TABLE IF NOT EXISTS orders (order_id text PRIMARY KEY, amount bigint NOT NULL)");
  });
}

void place(evt::store::session& session, const std::string& order_id, std::int64_t amount) {
  const auto stream = evt::stream_name(category, order_id);
  const auto data = evt::detail::json_text(evt::detail::json{{"orderId", order_id}, {"amount", amount}}, "an order");
  session.transaction([&](evt::store::transaction& t) {
    t.execute("INSERT INTO orders (order_id, amount) VALUES ($1, $2)", {order_id, std::to_string(amount)});
    const std::vector<evt::store::new_message> messages{{.type = "OrderPlaced", .data = data},
                                                        {.type = "OrderPaid", .data = data}};
    evt::store::put(t, messages, stream, evt::no_stream);
  });
}

verdict verify(evt::store::session& session, const std::string& sink_file) {
  verdict result;
  std::vector<std::string> written;  // ids in global order
  std::map<std::string, std::string> stream_of;
  for (std::int64_t position = 1;;) {
    const auto batch = evt::store::get_category(session, category, {.position = position, .batch_size = 1000});
    if (batch.empty()) break;
    for (const auto& message : batch) {
      written.push_back(message.id);
      stream_of[message.id] = message.stream_name;
    }
    position = batch.back().global_position + 1;
  }
  result.messages = static_cast<std::int64_t>(written.size());
  std::ifstream file{sink_file};
  if (!file) throw evt::error{"Cannot read the sink's file (Path: " + sink_file + ")"};
  std::vector<std::string> first_deliveries;
  std::set<std::string> seen;
  for (std::string line; std::getline(file, line);) {
    ++result.lines;
    const auto delivered = evt::detail::parse_json(line);
    const auto id = delivered.at("id").get<std::string>();
    if (!stream_of.contains(id)) result.problems.push_back("delivered a message not in the store: " + id);
    if (seen.insert(id).second) {
      first_deliveries.push_back(id);
    } else {
      ++result.duplicates;
      if (delivered.at("redelivery").get<bool>()) ++result.duplicates_flagged;
    }
  }
  if (first_deliveries != written) {
    result.problems.push_back("first deliveries are not every message in the order written (" +
                              std::to_string(first_deliveries.size()) + " of " + std::to_string(written.size()) + ")");
  }
  if (result.duplicates != result.duplicates_flagged) {
    result.problems.push_back(std::to_string(result.duplicates - result.duplicates_flagged) +
                              " duplicates were not flagged as possible redeliveries");
  }
  return result;
}

}  // namespace order_outbox
