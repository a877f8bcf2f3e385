#pragma once

#include "decimal.hpp"

#include <evt/store/message_data.hpp>
#include <evt/store/session.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

// The store as the checks see it: every message of account:command (the
// commands, the reserved copies, what was written again and replayed),
// every dead letter of account:command+deadLetter, every account stream
// of account, and the consumers' last recorded positions, read with
// evt::store::read_category and parsed once, values kept exactly.
namespace evt_checker {

struct stored {
  evt::store::message_data message{};
  bool marked = false;                      // metadata.localProperties.reserved set
  std::optional<std::string> key{};           // data's depositId / withdrawalId, when a string
  std::optional<std::string> account_id{};    // data's accountId, when a string
  std::optional<std::string> amount_text{};   // data's amount as written, when a number
  std::optional<decimal> amount{};
  std::optional<std::string> time{};        // data's time as JSON text ("null" included)
  std::optional<std::int64_t> sequence{};     // events: data's sequence

  // "account:command-x/3 (global position 17, Deposit, id ...)".
  std::string describe() const;
};

struct dead_letter {
  stored letter;
  std::string message_id{};  // the parked message's
  std::string stream_name{};
  std::optional<std::int64_t> global_position{};
  std::string error_class{};
  std::string error{};
  std::string by{};
};

struct recorded_position {
  std::string stream{};
  std::int64_t position = 0;
  std::optional<std::int64_t> member{};
  std::optional<std::int64_t> size{};
};

struct snapshot {
  std::vector<stored> commands{};                           // account:command, in global order
  std::vector<dead_letter> dead_letters{};                  // in global order
  std::map<std::string, std::vector<stored>> accounts{};    // account-<id> -> its events in order
  std::vector<recorded_position> positions{};               // each position stream's last
  std::int64_t last_global_position = 0;                  // of account:command

  std::map<std::string, std::size_t> command_by_id{};
  std::map<std::int64_t, std::size_t> command_by_global_position{};
  std::map<std::string, std::vector<std::size_t>> dead_letters_by_message_id{};
  // The replay of a dead letter (its id is the dead letter's replay id):
  // replay message id -> the parked message's id.
  std::map<std::string, std::string> replayed_from{};

  const stored* command_with_id(const std::string& id) const;
  const stored* command_at(std::int64_t global_position) const;
};

snapshot read_snapshot(evt::store::session& session);

// The account's events as of a snapshot; empty when it has none.
const std::vector<stored>& events_of(const snapshot& s, const std::string& account);

}  // namespace evt_checker
