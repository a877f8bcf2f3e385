#include <evt/evt.hpp>

#include <iostream>

int main() {
  if (evt::version().empty() || evt::message_db_version != "1.3.0") return 1;
  std::cout << "evt " << evt::version() << ", Message DB " << evt::message_db_version << '\n';
  return 0;
}
