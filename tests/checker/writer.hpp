#pragma once

#include "history.hpp"
#include "random.hpp"

#include <evt/store/session.hpp>

#include <atomic>
#include <optional>
#include <string>
#include <vector>

// How the checker's clients and foreign writers write a message: with
// evt::store::put, no expected version, as any Eventide client does. A
// write that fails (the server is down, crashing, failing over: the
// outcome is unknown when the connection was lost during it) is written
// again after a pause, with a new message id (a client issuing the same
// command again) or now and then the same one (then a duplicate id error
// says the first attempt is in), until it is acknowledged or the deadline
// passes. Every attempt goes into the history.
namespace evt_checker {

struct write_request {
  std::string stream{};
  std::string type{};
  std::optional<std::string> data{};
  std::optional<std::string> metadata{};
  evt_checker::role role = role::valid;
  std::optional<std::size_t> command{};
  std::vector<std::string> error_classes{};
  std::string writer{};
  std::string note{};
};

struct write_result {
  bool acknowledged = false;  // (or known to be in: a duplicate id after an unknown outcome)
  std::optional<std::int64_t> position{};
  std::string message_id{};
};

class writer {
 public:
  writer(evt::store::session& session, history& history, std::uint64_t seed, const std::atomic<bool>& abandon)
      : session_{session}, history_{history}, random_{seed}, abandon_{abandon} {}

  write_result write(const write_request& request, std::chrono::seconds patience = std::chrono::seconds{90});
  evt_checker::random& random() { return random_; }

 private:
  evt::store::session& session_;
  history& history_;
  evt_checker::random random_;
  const std::atomic<bool>& abandon_;
};

}  // namespace evt_checker
