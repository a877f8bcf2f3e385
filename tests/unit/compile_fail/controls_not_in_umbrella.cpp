// Must not compile: the test controls are not part of evt/evt.hpp.
#include <evt/evt.hpp>
#ifndef EVT_COMPILE_FAIL
#include <evt/controls.hpp>
#endif

int main() { return evt::controls::id().empty() ? 1 : 0; }
