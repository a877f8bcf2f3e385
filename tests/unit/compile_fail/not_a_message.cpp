// Must not compile: a plain struct is not an evt::message.
#include <evt/message/conversion.hpp>

struct Plain {
  int amount;
};

int main() {
  const auto written = evt::export_message(Plain{1});
  return written.type.empty() ? 0 : 1;
}
