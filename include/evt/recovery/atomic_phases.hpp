#pragma once

#include <evt/store/session.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Recovery points and atomic phases (the idempotency-key flow Stripe
// describes): an operation of several steps, each step ("phase") run in one
// database transaction together with the record of the recovery point it
// reaches, so a retry with the same key resumes after the last phase that
// committed and, once the operation finished, returns its stored response
// without running anything.
//
//   evt::recovery::atomic_phases opening{session, "accountOpening", {
//     {"account_opened", [&](auto& phase) { ...phase.transaction()... }},
//     {"funds_collected", [&](auto& phase) { phase.set_state(pay(phase.foreign_key())); }},
//     {"deposited", [&](auto& phase) { ...; phase.finish(response); }},
//   }};
//   auto outcome = opening.run(key, fingerprint);
//
// The record is a stream per key in the message store ("accountOpening-<key>":
// Started, RecoveryPointReached..., Finished), written with the expected
// version inside each phase's transaction: the phase's statements and
// messages commit with its recovery point or not at all, and of two runs of
// the same key at once only one commits each phase (the other re-reads and
// goes on from there). What a phase does outside the database (a call to a
// payment service) is not undone by a rollback: it gets foreign_key(), the
// same on every retry of the phase, for the service to deduplicate.
namespace evt::recovery {

class phase_context {
 public:
  phase_context(store::transaction& transaction, std::string_view key, std::string_view recovery_point,
                std::string state)
      : transaction_{transaction}, key_{key}, recovery_point_{recovery_point}, state_{std::move(state)} {}

  // The phase's transaction: statements and messages written through it
  // commit with the recovery point.
  store::transaction& transaction() noexcept { return transaction_; }
  std::string_view key() const noexcept { return key_; }
  // The point this phase reaches when it commits.
  std::string_view recovery_point() const noexcept { return recovery_point_; }

  // Data carried from phase to phase (kept with each recovery point): what
  // the previous phase left, and what this one leaves.
  const std::string& state() const noexcept { return state_; }
  void set_state(std::string state) { state_ = std::move(state); }

  // The idempotency key for a call to another service in this phase:
  // "<key>:<recovery point>" (":<call>" appended when a phase makes several).
  std::string foreign_key(std::string_view call = {}) const;

  // Ends the operation with this phase: `response` is returned now and to
  // every later run of the key. The last phase must finish; any phase may
  // (e.g. with a refusal).
  void finish(std::string response) { response_ = std::move(response); }
  const std::optional<std::string>& response() const noexcept { return response_; }

 private:
  store::transaction& transaction_;
  std::string_view key_;
  std::string_view recovery_point_;
  std::string state_;
  std::optional<std::string> response_;
};

struct phase {
  std::string recovery_point;  // reached when the phase commits
  std::function<void(phase_context&)> work;
};

// Where a key's operation is.
struct progress {
  std::string recovery_point;  // "started", a phase's point, or "finished"
  std::string fingerprint;
  std::string state;
  std::optional<std::string> response;  // once finished
  std::int64_t version = 0;             // of the key's stream
};

struct outcome {
  std::string response;
  bool replayed = false;                  // finished before this run: nothing ran
  std::vector<std::string> reached = {};  // the recovery points this run committed
};

// Where the key's operation of this category is, if it started; for
// readers that do not run it (reports, checks).
std::optional<progress> read_progress(store::session& session, std::string_view category, std::string_view key);

class atomic_phases {
 public:
  static constexpr std::string_view started = "started";
  static constexpr std::string_view finished = "finished";

  // Phases in order, named by distinct recovery points other than "started"
  // and "finished"; anything else is an evt::error.
  atomic_phases(store::session& session, std::string category, std::vector<phase> phases);

  // Runs the phases after the key's last recovery point. A fingerprint that
  // differs from the one the key started with is a fingerprint_mismatch_error;
  // a phase that throws rolls back and its exception propagates (run again
  // to resume); an invalid key is an idempotency_error.
  outcome run(std::string_view key, std::string_view fingerprint);

  std::optional<recovery::progress> progress(std::string_view key);
  std::string stream_name(std::string_view key) const;

 private:
  std::size_t next_phase(const recovery::progress& progress) const;

  store::session& session_;
  std::string category_;
  std::vector<phase> phases_;
};

}  // namespace evt::recovery
