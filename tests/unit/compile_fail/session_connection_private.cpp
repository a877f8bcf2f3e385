// Must not compile: a session's connection is the store's own, not a
// mutable internal handed out of a const public method.
#include <evt/store/session.hpp>

int main() {
  evt::store::session session{{.conninfo = "host=/nonexistent"}};
#ifdef EVT_COMPILE_FAIL
  session.connection();
#else
  session.close();
#endif
  return session.is_connected() ? 1 : 0;
}
