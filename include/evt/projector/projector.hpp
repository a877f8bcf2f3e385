#pragma once

#include <evt/log.hpp>
#include <evt/message/conversion.hpp>
#include <evt/store/message_data.hpp>
#include <evt/store/session.hpp>
#include <evt/telemetry/counter.hpp>
#include <evt/telemetry/progress.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

namespace evt {

// Keeps the application's own tables (a read model) from a category's
// events: each batch of events is applied in one transaction together with
// the projector's position (the global position of the last event applied),
// so a crash, a replay or a duplicate delivery never applies an event twice
// and never skips one. The position is a stream of Recorded {"position": N}
// messages ("account:position-<name>", as a consumer's), written with the
// expected version, after a lock on the name: of two projectors of one name
// running at once, one batch at a time is applied, and a projector that
// finds the position moved on reads again (counted as a conflict).
//
//   evt::projector balances{session, {.name = "accountBalances", .category = "account"}};
//   balances.apply<Deposited>([](evt::store::transaction& t, const Deposited& deposited) {
//     t.execute("UPDATE account_balances SET balance = balance + $1 WHERE id = $2", {...});
//   });
//   balances.catch_up();   // or run(stopping)
//
// Events of a type without an applier are passed by (counted as skipped).
// An applier that throws rolls its batch back. A poison event (one that
// cannot be decoded, or that the applier refuses for what it holds:
// evt::error_kind, but for the database's refusals, which in a projector are
// the application's table and its applier's to answer) is then parked, as
// consumers park messages
// (evt::dead_letter, "<category>:deadLetter-<id>"): the events before it are
// applied, and the parked copy and the position at the event commit in one
// transaction; the projector goes on, and a rebuild passes it again without
// parking it twice. Any other error propagates; the position stays before
// the batch.
class projector {
 public:
  struct settings {
    std::string name;
    std::string category;
    std::int64_t batch_size = 100;  // events per transaction
    std::chrono::milliseconds poll_interval{std::chrono::milliseconds{100}};
    // Off: a poison event stops the projector as any error does.
    bool park_poison_events = true;
    log_sink log = nullptr;  // parked events; standard error without one
  };

  // What it did, for tests and metrics (read from any thread): where it
  // got (telemetry::progress: the last event committed, applied or parked)
  // and these counts.
  struct counts : telemetry::progress {
    telemetry::counter applied;       // events given to an applier
    telemetry::counter skipped;       // events of types without one
    telemetry::counter transactions;  // batches committed
    telemetry::counter conflicts;     // batches rolled back: another projector of this name was ahead
    telemetry::counter parked;        // poison events parked
  };

  using applier = std::function<void(store::transaction&, const store::message_data&)>;

  projector(store::session& session, settings settings);

  // The applier of type M's events, read as M (a decode_error names the event).
  template <message M, class Apply>
  projector& apply(Apply&& apply) {
    static_assert(std::is_invocable_v<Apply&, store::transaction&, const M&>,
                  "evt::projector: an applier takes (evt::store::transaction&, const M&)");
    return apply_raw(std::string{M::message_type},
                     [apply = std::forward<Apply>(apply)](store::transaction& transaction,
                                                          const store::message_data& row) mutable {
                       apply(transaction, import_message<M>(row));
                     });
  }
  projector& apply_raw(std::string type, applier apply);

  // The global position of the last event applied; 0 before the first.
  std::int64_t position();

  // Applies every event written so far (or up to global position `until`),
  // a batch per transaction; returns how many events it applied or skipped.
  std::int64_t catch_up(std::optional<std::int64_t> until = std::nullopt);

  // Catches up, then again every poll interval, until `stopping` says so.
  void run(const std::function<bool()>& stopping);

  // Starts the read model again: `reset` (empty the tables) runs in one
  // transaction with the position going back to 0, then everything is
  // applied again from the first event (up to `until`).
  std::int64_t rebuild(const std::function<void(store::transaction&)>& reset,
                       std::optional<std::int64_t> until = std::nullopt);

  const std::string& position_stream_name() const noexcept { return position_stream_; }
  const counts& telemetry() const noexcept { return counts_; }
  const std::string& category() const noexcept { return settings_.category; }
  std::chrono::milliseconds poll_interval() const noexcept { return settings_.poll_interval; }

 private:
  struct recorded {
    std::int64_t position = 0;  // global position applied
    std::int64_t version = -1;  // of the position stream
  };
  recorded read_position();
  std::int64_t catch_up(std::optional<std::int64_t> until, const std::function<bool()>& stopping);
  // The events in one transaction with the position; false when another
  // projector of the name moved it on. `applying` says which event an error
  // came from.
  bool apply_batch(const recorded& from, std::span<const store::message_data> events, std::size_t& applying);
  // Called inside a catch block: the event parked and the position at it.
  bool park(const recorded& from, const store::message_data& event);
  // `work` in one transaction, after the name's lock, if the position is
  // still `from`; false when another projector of the name moved it on.
  bool transaction_at(const recorded& from, const std::function<void(store::transaction&)>& work);
  void record(store::transaction& transaction, const recorded& from, std::int64_t position);

  store::session& session_;
  settings settings_;
  std::string position_stream_;
  std::map<std::string, applier, std::less<>> appliers_;
  counts counts_{};
};

}  // namespace evt
