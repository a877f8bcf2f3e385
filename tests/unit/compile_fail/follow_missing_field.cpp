// Must not compile: follow copies every field, and Summary lacks deposit_id.
#include <evt/message/follow.hpp>

#include <string>

EVT_MESSAGE(Deposit, (std::string, deposit_id), (std::string, account_id));
#ifdef EVT_COMPILE_FAIL
EVT_MESSAGE(Summary, (std::string, account_id));
#else
EVT_MESSAGE(Summary, (std::string, deposit_id), (std::string, account_id));
#endif

int main() {
  const auto summary = evt::follow<Summary>(Deposit{.deposit_id = "d1", .account_id = "a1"});
  return summary.account_id.empty() ? 0 : 1;
}
