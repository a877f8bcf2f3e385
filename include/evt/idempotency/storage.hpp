#pragma once

#include <evt/expected_version.hpp>
#include <evt/idempotency/record.hpp>

#include <optional>
#include <string_view>

namespace evt::idempotency {

// Where records live. Two operations, both atomic, carry every guarantee of
// the manager: read a key's record, and write one only if the key is still
// at the version read (compare-and-set). No storage needs to delete records
// for the manager to be right: an expired record reads as expired and is
// replaced; removing old ones is each storage's own retention.
class storage {
 public:
  virtual ~storage() = default;

  // The key's latest record (with its version), or nothing.
  virtual std::optional<record> get(std::string_view key) = 0;

  // Writes `record` (for record.key) if the key's version is `expected`
  // (no_stream: the key has no record). True when written; false when
  // another writer got there first, in which case nothing was written.
  virtual bool put(const record& record, std::int64_t expected, transition transition) = 0;
};

}  // namespace evt::idempotency
