#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

// The clients' history, after Jepsen's: every write the checker made (by a
// client thread, a foreign writer or `evt write`), what it was meant to be,
// and how it ended as the writer saw it. The checks compare it with the
// store: a message id is in the store or not, whatever the writer heard.
namespace evt_checker {

using clock = std::chrono::steady_clock;

// What a written message is meant to be.
enum class role {
  valid,       // a write of a logical command: it must take effect exactly once
  poison,      // refused: parked with a reason, no effect
  copy_again,  // a reserved copy written again: parked, no effect
  event,       // an event of another service in an account stream
};
std::string name_of(role role);

enum class outcome {
  acknowledged,  // the store returned its position
  failed,        // refused, or the connection could not be made: not written
  unknown,       // the connection was lost during the write: written or not
};
std::string name_of(outcome outcome);

struct attempt {
  std::string message_id{};
  std::string stream{};
  std::string type{};
  evt_checker::role role = role::valid;
  std::optional<std::size_t> command{};      // role valid: the logical command
  std::vector<std::string> error_classes{};  // poison, copy_again: what it may be parked for
  std::string writer{};                      // "client 2", "foreign", "evt write"
  std::string note{};
  evt_checker::outcome outcome = outcome::unknown;
  std::optional<std::int64_t> position{};
  std::string error{};
  clock::time_point started{};
  clock::time_point ended{};
};

class history {
 public:
  void add(attempt a);
  std::vector<attempt> attempts() const;
  // Whether some write of the logical command has been acknowledged.
  bool has_acknowledged(std::size_t command) const;
  // One JSON object per line, for inspection.
  void write(const std::string& path, clock::time_point origin) const;

 private:
  mutable std::mutex mutex_;
  std::vector<attempt> attempts_;
};

}  // namespace evt_checker
