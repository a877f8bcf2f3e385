#include "ruby_account_component.hpp"

#include <evt/error.hpp>
#include <evt/expected_version.hpp>
#include <evt/money.hpp>
#include <evt/store/get.hpp>
#include <evt/store/put.hpp>
#include <evt/stream_name.hpp>
#include <evt/uuid.hpp>

#include <nlohmann/json.hpp>

#include <string>

namespace account_component::test {
namespace {

using json = nlohmann::json;

constexpr const char* position_stream = "account:command+position";

// Ruby's entity: opened, closed, balance, sequence (SPEC 7.2, 7.3).
struct account {
  bool opened = false;
  bool closed = false;
  evt::money balance{0};
  std::optional<std::int64_t> sequence;
  std::int64_t version = -1;
};

evt::money amount_of(const json& data) { return evt::money::parse(data.at("amount").dump()); }

account fetch(evt::store::session& session, const std::string& id) {
  account found;
  for (const auto& event : evt::store::get_stream(session, evt::stream_name("account", id), {.batch_size = -1})) {
    const auto data = json::parse(event.data.value_or("{}"));
    if (event.type == "Opened") found.opened = true;
    if (event.type == "Closed") found.closed = true;
    if (event.type == "Deposited") found.balance += amount_of(data);
    if (event.type == "Withdrawn") found.balance -= amount_of(data);
    if (event.type == "Deposited" || event.type == "Withdrawn" || event.type == "WithdrawalRejected") {
      found.sequence = data.at("sequence").get<std::int64_t>();
    }
    found.version = event.position;
  }
  return found;
}

// Event.follow(command): its declared attributes, causation from it.
json follow(const json& command, std::initializer_list<const char*> attributes) {
  json event = json::object();
  for (const auto* attribute : attributes) event[attribute] = command.contains(attribute) ? command[attribute] : json();
  return event;
}

std::string causation(const evt::store::message_data& message) {
  return json{{"causationMessageStreamName", message.stream_name},
              {"causationMessagePosition", message.position},
              {"causationMessageGlobalPosition", message.global_position}}
      .dump();
}

bool reserved(const evt::store::message_data& message) {
  if (!message.metadata) return false;
  const auto metadata = json::parse(*message.metadata);
  const auto local = metadata.find("localProperties");
  if (local == metadata.end() || !local->is_object()) return false;
  const auto marker = local->find("reserved");
  return marker != local->end() && !marker->is_null() && *marker != false;
}

void write_event(evt::store::session& session, const std::string& id, const std::string& type, const json& data,
                 const evt::store::message_data& cause, std::int64_t version) {
  evt::store::put(session, {.type = type, .data = data.dump(), .metadata = causation(cause)},
                  evt::stream_name("account", id), version);
}

void handle(evt::store::session& session, const evt::store::message_data& message) {
  const auto data = json::parse(message.data.value_or("{}"));
  const auto id = data.value("accountId", std::string{});
  const auto now = json("2026-12-07T10:00:00.000Z");
  if (message.type == "Open" || message.type == "Close") {
    const auto found = fetch(session, id);
    if (message.type == "Open" && !found.opened) {
      auto opened = follow(data, {"accountId", "customerId", "time"});
      opened["processedTime"] = now;
      write_event(session, id, "Opened", opened, message, found.version);
    }
    if (message.type == "Close" && !found.closed) {
      auto closed = follow(data, {"accountId", "time"});
      closed["processedTime"] = now;
      write_event(session, id, "Closed", closed, message, found.version);
    }
    return;
  }
  if (message.type != "Deposit" && message.type != "Withdraw") return;
  const std::string key = data.at(message.type == "Deposit" ? "depositId" : "withdrawalId").get<std::string>();
  if (!reserved(message)) {
    // hubbado's reserve_message: a copy into "<origin>+<key>", expecting no stream.
    auto metadata = json::parse(causation(message));
    metadata["localProperties"] = {{"reserved", message.id}};
    try {
      evt::store::put(session, {.type = message.type, .data = message.data, .metadata = metadata.dump()},
                      message.stream_name + "+" + key, evt::no_stream);
    } catch (const evt::expected_version_error&) {  // ignored, output stream exists
    }
    return;
  }
  const auto found = fetch(session, id);
  const auto sequence = message.global_position;
  if (found.sequence && *found.sequence >= sequence) return;  // processed?
  if (message.type == "Deposit") {
    auto deposited = follow(data, {"depositId", "accountId", "amount", "time"});
    deposited["processedTime"] = now;
    deposited["sequence"] = sequence;
    write_event(session, id, "Deposited", deposited, message, found.version);
  } else if (found.balance < amount_of(data)) {
    auto rejected = follow(data, {"withdrawalId", "accountId", "amount"});
    rejected["time"] = now;
    rejected["sequence"] = sequence;
    write_event(session, id, "WithdrawalRejected", rejected, message, found.version);
  } else {
    auto withdrawn = follow(data, {"withdrawalId", "accountId", "amount", "time"});
    withdrawn["processedTime"] = now;
    withdrawn["sequence"] = sequence;
    write_event(session, id, "Withdrawn", withdrawn, message, found.version);
  }
}

}  // namespace

std::int64_t ruby_account_component::run(std::optional<std::int64_t> limit) {
  const auto recorded = evt::store::get_last(session, position_stream);
  auto position = recorded ? json::parse(recorded->data.value_or("{}")).at("position").get<std::int64_t>() : 1;
  std::int64_t handled = 0;
  std::int64_t since_recorded = 0;
  for (;;) {
    const auto batch = evt::store::get_category(session, "account:command", {.position = position, .batch_size = 100});
    if (batch.empty()) return handled;
    for (const auto& message : batch) {
      if (limit && handled == *limit) return handled;
      handle(session, message);
      ++handled;
      position = message.global_position + 1;
      if (++since_recorded == position_update_interval) {
        evt::store::put(session, {.type = "Recorded", .data = json{{"position", message.global_position}}.dump()},
                        position_stream);
        since_recorded = 0;
      }
    }
  }
}

}  // namespace account_component::test
