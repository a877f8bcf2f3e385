// Must not compile: a double would truncate silently into money.
#include <evt/money.hpp>

int main() {
#ifdef EVT_COMPILE_FAIL
  evt::money amount = 11.5;
#else
  evt::money amount = evt::money::parse("11.5");
#endif
  return amount.to_string() == "11.5" ? 0 : 1;
}
