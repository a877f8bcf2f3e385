// Must not compile: a handle<M> block has to take the message.
#include <evt/handler/handler.hpp>

#include <string>

EVT_MESSAGE(Deposit, (std::string, deposit_id));

struct Commands : evt::handler {
  Commands() {
#ifdef EVT_COMPILE_FAIL
    handle<Deposit>([](int) {});
#else
    handle<Deposit>([](const Deposit&) {});
#endif
  }
};

int main() { Commands commands; }
