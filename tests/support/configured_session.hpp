#pragma once

#include <evt/store/session.hpp>

namespace evt::test {

// A handler dependency that keeps the session it was configured with, so a
// test can see which session (a worker's, the consumer's) a handler writes on.
struct configured_session {
  static configured_session substitute() { return {}; }
  void configure(evt::store::session& session) { configured = &session; }
  evt::store::session* configured = nullptr;
};

}  // namespace evt::test
