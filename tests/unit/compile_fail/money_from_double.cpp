// Must not compile: a double would truncate silently into money.
#include <evt/money.hpp>

int main() {
  evt::money amount = 11.5;
  return amount.units() == 11 ? 0 : 1;
}
