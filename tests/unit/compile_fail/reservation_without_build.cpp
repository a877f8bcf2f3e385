// Must not compile: a reservation is built on a session or is an explicit
// substitute, like its writer.
#include <evt/reservation/reservation.hpp>

int main() {
#ifdef EVT_COMPILE_FAIL
  evt::reservation reservation;
#else
  auto reservation = evt::reservation::substitute();
#endif
  return reservation.telemetry().reserved == 0 ? 0 : 1;
}
