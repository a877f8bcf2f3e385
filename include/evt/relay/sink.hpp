#pragma once

#include <evt/store/message_data.hpp>

#include <cstdint>

namespace evt::relay {

// One message handed to a sink. Each carries the message's id, for the
// receiver to deduplicate by: delivery is at least once.
struct delivery {
  const store::message_data& message;
  bool redelivery = false;   // it may have been delivered before (the relay stopped before recording it)
  std::int64_t attempt = 1;  // 1, then each retry
};

// Where a relay delivers messages. deliver() returns once the message is
// delivered, or throws (any exception) for the relay to retry.
class sink {
 public:
  virtual ~sink() = default;
  virtual void deliver(const delivery& delivery) = 0;
};

}  // namespace evt::relay
