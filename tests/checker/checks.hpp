#pragma once

#include "decimal.hpp"
#include "history.hpp"
#include "schedule.hpp"
#include "store_view.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

// The invariants, checked against a snapshot of the store and the history
// (README of tests/checker says each in a sentence):
// - no deposit or withdrawal id takes effect twice; at most one Opened and
//   one Closed per account;
// - every valid command in the store takes effect exactly once, with the
//   values it was written with; an acknowledged write is in the store,
//   unless an asynchronous failover after its acknowledgement lost it
//   (reported as lost, not as a violation);
// - replaying an account's events in order, no Withdrawn takes the balance
//   below zero and every WithdrawalRejected found the balance below its
//   amount;
// - every message that is not a valid command (poison, a reserved copy
//   written again, and their replays) is parked once with a reason of the
//   kind expected, and takes no effect; no valid command is parked;
// - replaying every parked message changes nothing that had taken effect;
// - balances shown by the component's projection (account-client show)
//   equal the sums of the account streams.
namespace evt_checker {

struct violation {
  std::string invariant{};
  std::string subject;   // what it is about (deduplicates across the checks before and after the replay)
  std::string evidence{};  // stream names, positions, ids
};

struct run_facts {
  // When the primary of an asynchronous failover was halted: writes
  // acknowledged before may be lost.
  std::optional<clock::time_point> lossy_failover{};
};

class checker {
 public:
  checker(const schedule& schedule, std::vector<attempt> attempts, run_facts facts);

  // What is not handled yet: valid commands in the store without their
  // outcome, refused messages not parked yet. Empty once all is handled.
  std::vector<std::string> pending(const snapshot& s) const;
  std::vector<violation> check(const snapshot& s) const;
  // Replaying every parked message between the two snapshots changed
  // nothing that had taken effect.
  std::vector<violation> compare_replay(const snapshot& before, const snapshot& after) const;
  // Acknowledged writes that a lossy failover took away.
  std::vector<std::string> lost(const snapshot& s) const;
  // Each account's balance: the sum of its Deposited less its Withdrawn.
  std::map<std::string, decimal> balances(const snapshot& s) const;

 private:
  enum class kind { valid, poison, copy_again, reserved_copy, unknown };
  struct classified {
    checker::kind kind = kind::unknown;
    std::optional<std::size_t> command{};
    std::vector<std::string> error_classes{};
    bool replay = false;
    std::string origin{};  // how it came: the writer, or the dead letter it was replayed from
  };
  classified classify(const snapshot& s, const std::string& message_id, int depth = 0) const;
  std::vector<classified> classify_all(const snapshot& s) const;
  // The events of the command's account that are its outcome.
  std::vector<const stored*> outcomes_of(const snapshot& s, const command& c) const;
  std::string cause_of(const snapshot& s, const stored& event) const;
  std::string describe(const classified& c) const;

  const schedule& schedule_;
  std::vector<attempt> attempts_;
  std::map<std::string, std::size_t> attempt_by_id_;
  std::map<std::string, std::size_t> command_by_key_;  // Deposit and Withdraw keys
  run_facts facts_;
};

}  // namespace evt_checker
