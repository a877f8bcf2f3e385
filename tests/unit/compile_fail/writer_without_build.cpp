// Must not compile: a writer is built on a session or is an explicit
// substitute; a default one would write to memory in production unnoticed.
#include <evt/write/writer.hpp>

int main() {
#ifdef EVT_COMPILE_FAIL
  evt::writer write;
#else
  auto write = evt::writer::substitute();
#endif
  return write.is_substitute() ? 0 : 1;
}
