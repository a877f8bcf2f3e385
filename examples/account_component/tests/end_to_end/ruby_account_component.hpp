#pragma once

#include <evt/store/session.hpp>

#include <cstdint>
#include <optional>

namespace account_component::test {

// Ruby Eventide's account component with hubbado's reservation, as SPEC 1,
// 5 and 7 describe it, for handover tests (no Ruby here): one consumer of
// account:command with Eventide's position stream account:command+position
// (a Recorded {"position": N} every `position_update_interval` messages,
// none when it stops; it resumes at the recorded message itself); a command
// without the reserved marker is copied to "<its stream>+<key>" expecting
// no stream (ignored when it exists), a marked one is applied unless the
// account's sequence has reached its global position; events with random
// ids, each expecting the version the account was read at; every account
// read whole each time. Written from the specification with evt::store's
// raw calls, not with evt's reservation or consumer.
struct ruby_account_component {
  evt::store::session& session;
  std::int64_t position_update_interval = 100;

  // Handles messages from its recorded position until none is left, or
  // until `limit` were handled (then it stops as a process killed there
  // would, without recording). Returns how many it handled.
  std::int64_t run(std::optional<std::int64_t> limit = std::nullopt);
};

}  // namespace account_component::test
