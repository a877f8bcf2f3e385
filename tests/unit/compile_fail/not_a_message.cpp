// Must not compile: a plain struct is not an evt::message.
#include <evt/message/conversion.hpp>

#ifdef EVT_COMPILE_FAIL
struct Plain {
  int amount;
};
#else
EVT_MESSAGE(Plain, (int, amount));
#endif

int main() {
  const auto written = evt::export_message(Plain{1});
  return written.type.empty() ? 0 : 1;
}
