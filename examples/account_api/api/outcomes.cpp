#include "api/outcomes.hpp"

#include "component/projection.hpp"
#include "component/store.hpp"

#include <evt/message/data_json.hpp>
#include <evt/store/get.hpp>
#include <evt/store/lag.hpp>
#include <evt/store/read.hpp>
#include <evt/stream_name.hpp>

#include <algorithm>
#include <csignal>

namespace account_api {
namespace {

const auto& project() {
  static const auto projection = account_component::projection();
  return projection;
}

std::string name_of(const awaited& awaited) { return awaited.account_id + '\n' + awaited.command + '\n' + awaited.key; }

// What the event is the outcome of, if any, and the amount it names.
std::optional<std::pair<awaited, evt::money>> outcome_of(const evt::store::message_data& event) {
  const auto account_id = evt::cardinal_id(event.stream_name);
  if (!account_id) return std::nullopt;
  if (event.type == "Opened") return std::pair{awaited{.account_id = std::string{*account_id}, .command = "Open"}, evt::money{}};
  const bool deposited = event.type == "Deposited";
  if (!deposited && event.type != "Withdrawn" && event.type != "WithdrawalRejected") return std::nullopt;
  try {
    const auto data = evt::detail::parse_json(event.data.value_or("null"));
    const auto& key = data.at(deposited ? "depositId" : "withdrawalId");
    if (!key.is_string()) return std::nullopt;
    return std::pair{awaited{.account_id = std::string{*account_id},
                             .command = deposited ? "Deposit" : "Withdraw",
                             .key = key.get<std::string>()},
                     evt::detail::money_from_json(data.at("amount"))};
  } catch (const std::exception&) {
    return std::nullopt;  // not an outcome of the API's commands (the component would park such an event's command)
  }
}

void apply(account_component::Account& account, const evt::store::message_data& event) {
  try {
    project()(account, event);
  } catch (const std::exception&) {
    // An event the projection cannot read leaves the account as it is, as
    // the entity store would refuse it; the outcome is still reported.
  }
}

}  // namespace

std::optional<outcome> look_up(evt::store::session& session, const awaited& awaited) {
  const auto wanted = name_of(awaited);
  account_component::Account account;
  account.id = awaited.account_id;
  std::optional<outcome> found;
  evt::store::read_stream(session, evt::stream_name(account_component::category, awaited.account_id),
                          [&](const evt::store::message_data& event) {
                            if (found) return;
                            apply(account, event);
                            const auto of = outcome_of(event);
                            if (of && name_of(of->first) == wanted) {
                              found = outcome{.type = event.type, .position = event.position, .amount = of->second,
                                              .account = account};
                            }
                          });
  return found;
}

outcomes::outcomes(settings settings) : settings_{std::move(settings)} {
  thread_ = std::thread{[this] {
    // The program's signals are for its main thread.
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, nullptr);
    watch();
  }};
}

outcomes::~outcomes() {
  {
    const std::lock_guard lock{mutex_};
    stopping_ = true;
    for (const auto& [name, waiting] : waiting_) waiting->arrived.notify_all();
  }
  stopped_.notify_all();
  thread_.join();
}

outcomes::expectation outcomes::expect(const awaited& awaited) { return expectation{*this, name_of(awaited)}; }

outcomes::expectation::expectation(outcomes& watcher, std::string name)
    : watcher_{watcher}, name_{std::move(name)}, slot_{std::make_shared<slot>()} {
  const std::lock_guard lock{watcher_.mutex_};
  watcher_.waiting_.emplace(name_, slot_);
}

outcomes::expectation::~expectation() {
  const std::lock_guard lock{watcher_.mutex_};
  const auto [first, last] = watcher_.waiting_.equal_range(name_);
  for (auto it = first; it != last; ++it) {
    if (it->second == slot_) {
      watcher_.waiting_.erase(it);
      break;
    }
  }
}

std::optional<outcome> outcomes::expectation::wait(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock{watcher_.mutex_};
  slot_->arrived.wait_until(lock, deadline, [this] { return slot_->found.has_value() || watcher_.stopping_; });
  return slot_->found;
}

void outcomes::watch() {
  evt::store::session session{settings_.store};
  std::optional<std::int64_t> next;
  std::uint64_t generation = 0;
  bool away = false;
  while (true) {
    std::chrono::milliseconds pause{0};
    try {
      if (!next || session.connection_generation() != generation) {
        // First, or after a lost connection: the server may be a standby
        // that was behind, whose category ends before what was read here;
        // reading on from past its end would miss every outcome written
        // until the positions catch up.
        const auto head = evt::store::category_head(session, account_component::category).value_or(0);
        next = next ? std::min(*next, head + 1) : head + 1;
        accounts_.clear();
        generation = session.connection_generation();
      }
      const auto events =
          evt::store::get_category(session, account_component::category, {.position = *next, .batch_size = 500});
      // Reconnected by this read: it read from where the lost server was.
      if (session.connection_generation() != generation) continue;
      for (const auto& event : events) {
        take(session, event);
        next = event.global_position + 1;
      }
      if (away) evt::log_or_stderr(settings_.log, "Outcomes read again (Category: account)");
      away = false;
      if (events.empty()) pause = settings_.poll_interval;
    } catch (const std::exception& error) {
      if (!away) {
        evt::log_or_stderr(settings_.log, std::string{"Outcomes not read for now; trying again every second "
                                                      "(Category: account, Error: "} + error.what() + ")");
      }
      away = true;
      accounts_.clear();
      pause = std::chrono::seconds{1};
    }
    std::unique_lock lock{mutex_};
    if (stopped_.wait_for(lock, pause, [this] { return stopping_; })) return;
  }
}

void outcomes::take(evt::store::session& session, const evt::store::message_data& event) {
  const auto account_id = evt::cardinal_id(event.stream_name);
  if (!account_id) return;
  const auto of = outcome_of(event);
  const auto name = of ? name_of(of->first) : std::string{};
  bool awaited_now = false;
  if (of) {
    const std::lock_guard lock{mutex_};
    awaited_now = waiting_.contains(name);
  }
  auto kept = accounts_.find(std::string{*account_id});
  if (!awaited_now && kept == accounts_.end()) return;
  if (kept == accounts_.end() || kept->second.second != event.position - 1) {
    if (accounts_.size() >= settings_.cache_size) accounts_.clear();
    account_component::Account account;
    account.id = std::string{*account_id};
    evt::store::read_stream(session, event.stream_name, [&](const evt::store::message_data& earlier) {
      if (earlier.position < event.position) apply(account, earlier);
    });
    kept = accounts_.insert_or_assign(std::string{*account_id}, std::pair{std::move(account), event.position - 1}).first;
  }
  apply(kept->second.first, event);
  kept->second.second = event.position;
  if (!awaited_now) return;
  {
    const std::lock_guard lock{mutex_};
    const auto [first, last] = waiting_.equal_range(name);
    for (auto it = first; it != last; ++it) {
      it->second->found = outcome{.type = event.type, .position = event.position, .amount = of->second,
                                  .account = kept->second.first};
      it->second->arrived.notify_one();
    }
  }
}

}  // namespace account_api
