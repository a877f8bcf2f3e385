#include <evt/evt.hpp>

#include <iostream>

EVT_MESSAGE(Deposited, (std::string, deposit_id), (evt::money, amount));

int main() {
  // The installed headers and library work together: a message through the
  // writer's substitute and back.
  auto write = evt::writer::substitute();
  write(Deposited{.deposit_id = "d1", .amount = evt::money::parse("11.5")}, evt::stream_name("account", "1"));
  const auto written = write.one_message<Deposited>();
  if (!written || written->amount.to_string() != "11.5" || evt::message_db_version != "1.3.0") return 1;
  std::cout << "evt " << evt::version() << ": " << *write.written().front().message.data << '\n';
  return 0;
}
