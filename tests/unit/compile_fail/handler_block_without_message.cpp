// Must not compile: a handle<M> block has to take the message.
#include <evt/handler/handler.hpp>

#include <string>

EVT_MESSAGE(Deposit, (std::string, deposit_id));

struct Commands : evt::handler {
  Commands() : evt::handler{"Commands"} {
    handle<Deposit>([](int) {});
  }
};

int main() { Commands commands; }
