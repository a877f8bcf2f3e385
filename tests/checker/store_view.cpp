#include "store_view.hpp"

#include <evt/dead_letter/dead_letter.hpp>
#include <evt/store/read.hpp>

#include <nlohmann/json.hpp>

namespace evt_checker {

namespace {

std::optional<std::string> string_at(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return std::nullopt;
  const auto found = object.find(key);
  if (found == object.end() || !found->is_string()) return std::nullopt;
  return found->get<std::string>();
}

stored parse(const evt::store::message_data& message) {
  stored s{.message = message};
  if (message.metadata) {
    const auto metadata = nlohmann::json::parse(*message.metadata, nullptr, false);
    if (metadata.is_object()) {
      const auto local = metadata.find("localProperties");
      if (local != metadata.end() && local->is_object()) {
        const auto marker = local->find("reserved");
        s.marked = marker != local->end() && !marker->is_null() && *marker != false;
      }
    }
  }
  if (message.data) {
    const auto data = nlohmann::json::parse(*message.data, nullptr, false);
    if (data.is_object()) {
      s.key = string_at(data, "depositId");
      if (!s.key) s.key = string_at(data, "withdrawalId");
      s.account_id = string_at(data, "accountId");
      if (const auto time = data.find("time"); time != data.end()) s.time = time->dump();
      if (const auto sequence = data.find("sequence"); sequence != data.end() && sequence->is_number_integer()) {
        s.sequence = sequence->get<std::int64_t>();
      }
      s.amount_text = json_number_text(*message.data, "amount");
      if (s.amount_text) s.amount = decimal::parse(*s.amount_text);
    }
  }
  return s;
}

}  // namespace

std::string stored::describe() const {
  return message.stream_name + "/" + std::to_string(message.position) + " (global position " +
         std::to_string(message.global_position) + ", " + message.type + ", id " + message.id + ")";
}

const stored* snapshot::command_with_id(const std::string& id) const {
  const auto found = command_by_id.find(id);
  return found == command_by_id.end() ? nullptr : &commands[found->second];
}

const stored* snapshot::command_at(std::int64_t global_position) const {
  const auto found = command_by_global_position.find(global_position);
  return found == command_by_global_position.end() ? nullptr : &commands[found->second];
}

const std::vector<stored>& events_of(const snapshot& s, const std::string& account) {
  static const std::vector<stored> none;
  const auto found = s.accounts.find("account-" + account);
  return found == s.accounts.end() ? none : found->second;
}

snapshot read_snapshot(evt::store::session& session) {
  snapshot s;
  evt::store::read_category(session, "account:command", [&](const evt::store::message_data& m) {
    s.command_by_id[m.id] = s.commands.size();
    s.command_by_global_position[m.global_position] = s.commands.size();
    s.last_global_position = m.global_position;
    s.commands.push_back(parse(m));
  });
  evt::store::read_category(session, "account:command+deadLetter", [&](const evt::store::message_data& m) {
    dead_letter d{.letter = parse(m)};
    if (m.metadata) {
      const auto metadata = nlohmann::json::parse(*m.metadata, nullptr, false);
      if (metadata.is_object() && metadata.contains("deadLetter") && metadata["deadLetter"].is_object()) {
        const auto& reason = metadata["deadLetter"];
        d.message_id = string_at(reason, "messageId").value_or("");
        d.stream_name = string_at(reason, "streamName").value_or("");
        if (reason.contains("globalPosition") && reason["globalPosition"].is_number_integer()) {
          d.global_position = reason["globalPosition"].get<std::int64_t>();
        }
        d.error_class = string_at(reason, "errorClass").value_or("");
        d.error = string_at(reason, "error").value_or("");
        d.by = string_at(reason, "by").value_or("");
      }
    }
    s.dead_letters_by_message_id[d.message_id].push_back(s.dead_letters.size());
    s.replayed_from[evt::dead_letter::replay_id(m)] = d.message_id;
    s.dead_letters.push_back(std::move(d));
  });
  evt::store::read_category(session, "account", [&](const evt::store::message_data& m) {
    s.accounts[m.stream_name].push_back(parse(m));
  });
  std::map<std::string, recorded_position> last;
  evt::store::read_category(session, "account:command+position", [&](const evt::store::message_data& m) {
    recorded_position p{.stream = m.stream_name};
    const auto data = nlohmann::json::parse(m.data.value_or("null"), nullptr, false);
    if (data.is_object() && data.contains("position") && data["position"].is_number_integer()) {
      p.position = data["position"].get<std::int64_t>();
    }
    const auto metadata = nlohmann::json::parse(m.metadata.value_or("null"), nullptr, false);
    if (metadata.is_object() && metadata.contains("localProperties") && metadata["localProperties"].is_object()) {
      const auto& local = metadata["localProperties"];
      if (local.contains("consumerGroupMember") && local["consumerGroupMember"].is_number_integer()) {
        p.member = local["consumerGroupMember"].get<std::int64_t>();
      }
      if (local.contains("consumerGroupSize") && local["consumerGroupSize"].is_number_integer()) {
        p.size = local["consumerGroupSize"].get<std::int64_t>();
      }
    }
    last[m.stream_name] = p;
  });
  for (auto& [name, p] : last) s.positions.push_back(p);
  return s;
}

}  // namespace evt_checker
