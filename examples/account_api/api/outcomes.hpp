#pragma once

#include "component/account.hpp"

#include <evt/log.hpp>
#include <evt/money.hpp>
#include <evt/store/message_data.hpp>
#include <evt/store/session.hpp>
#include <evt/store/settings.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>

namespace account_api {

// A command's outcome to look for in its account's stream (account-<id>):
// Open's is Opened; Deposit's, Deposited with this depositId; Withdraw's,
// Withdrawn or WithdrawalRejected with this withdrawalId.
struct awaited {
  std::string account_id;
  std::string command;  // "Open", "Deposit" or "Withdraw"
  std::string key{};    // the deposit or withdrawal id; none for Open
};

// What the command came to, with the account just after it.
struct outcome {
  std::string type;
  std::int64_t position = 0;  // in the account's stream
  evt::money amount{};        // deposited, withdrawn or refused; 0 for Opened
  account_component::Account account{};
};

// The outcome, reading the account's stream from its start: for the rare
// ways (a client polling, a retry after a crash or past a record's
// retention, an outcome the watcher did not see).
std::optional<outcome> look_up(evt::store::session& session, const awaited& awaited);

// Watches the account category for the outcomes requests wait for: one
// thread, on a session of its own, reads what was written after the
// category's head at start (a poll every poll_interval while nothing is
// new), and hands each awaited outcome to its waiter. A request says what
// it awaits before it writes its command, so the outcome, written after,
// cannot pass unseen.
//
// The account after an outcome is projected from its stream once, then
// kept current from the category (cache_size accounts; past that the
// cache starts again): the watcher reads every event of the category in
// order, so a kept account is never stale. After a lost connection the
// cache is forgotten and the watcher goes back to the category's head when
// it had read past it (the server may be a standby that was behind); an
// account is read again when an event does not follow the version kept.
// (Message DB writes a category under its lock until the commit, so the
// category's messages become visible in the order of their positions.)
// While the store is away it tries again every second, and says so once.
// What the watcher still misses (an outcome written meanwhile at a
// position it had passed) its waiter's look_up finds at the deadline.
class outcomes {
 public:
  struct settings {
    evt::store::settings store{};
    std::chrono::milliseconds poll_interval{5};
    std::size_t cache_size = 10'000;
    evt::log_sink log = nullptr;
  };

  explicit outcomes(settings settings);
  ~outcomes();
  outcomes(const outcomes&) = delete;
  outcomes& operator=(const outcomes&) = delete;

  // A registration: from now on, until destroyed, the awaited outcome is
  // kept for wait().
  class expectation {
   public:
    ~expectation();
    expectation(const expectation&) = delete;
    expectation& operator=(const expectation&) = delete;
    // The outcome once the watcher has seen it; nothing at the deadline.
    std::optional<outcome> wait(std::chrono::steady_clock::time_point deadline);

   private:
    friend class outcomes;
    struct slot {
      std::optional<outcome> found;
      std::condition_variable arrived;  // its waiter's alone: an outcome wakes one request
    };
    expectation(outcomes& watcher, std::string name);
    outcomes& watcher_;
    std::string name_;
    std::shared_ptr<slot> slot_;
  };

  expectation expect(const awaited& awaited);

 private:
  void watch();
  void take(evt::store::session& session, const evt::store::message_data& event);

  settings settings_;
  std::mutex mutex_;
  std::condition_variable stopped_;
  bool stopping_ = false;
  std::multimap<std::string, std::shared_ptr<expectation::slot>> waiting_;
  // The watcher thread's own.
  std::unordered_map<std::string, std::pair<account_component::Account, std::int64_t>> accounts_;
  std::thread thread_;
};

}  // namespace account_api
