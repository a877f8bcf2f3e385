#include "controls/controls.hpp"

#include <evt/controls.hpp>
#include <evt/reservation/reservation.hpp>
#include <evt/stream_name.hpp>
#include <evt/uuid.hpp>

#include <chrono>

namespace account_component::controls {

using namespace messages::commands;

namespace {

evt::metadata read_from(const std::string& stream_name, std::int64_t global_position) {
  return {.message_id = evt::random_uuid(),
          .stream_name = stream_name,
          .position = 0,
          .global_position = global_position,
          .time = time()};
}

std::string command_stream() { return evt::stream_name("account:command", account_id); }

template <class Command>
Command reserved(Command command, const std::string& key) {
  const auto original_id = *command.metadata.message_id;
  command.metadata = read_from(evt::reservation::stream_name(command_stream(), key), reserved_position());
  command.metadata.causation_message_stream_name = command_stream();
  command.metadata.causation_message_position = 0;
  command.metadata.causation_message_global_position = command_position();
  command.metadata.set_local_property(evt::reservation::local_property, original_id);
  return command;
}

}  // namespace

evt::money amount() { return evt::money::parse("11.1"); }
evt::time_point time() { return evt::controls::time(); }
evt::time_point processed_time() { return time() + std::chrono::milliseconds{11}; }
std::int64_t command_position() { return 1; }
std::int64_t reserved_position() { return 5; }
std::int64_t version() { return 1; }

Open open() {
  Open open{.account_id = account_id, .customer_id = customer_id, .time = time()};
  open.metadata = read_from(command_stream(), command_position());
  return open;
}

Close close() {
  Close close{.account_id = account_id, .time = time()};
  close.metadata = read_from(command_stream(), command_position());
  return close;
}

Deposit deposit() {
  Deposit deposit{.deposit_id = deposit_id, .account_id = account_id, .amount = amount(), .time = time()};
  deposit.metadata = read_from(command_stream(), command_position());
  return deposit;
}

Withdraw withdraw() {
  Withdraw withdraw{.withdrawal_id = withdrawal_id, .account_id = account_id, .amount = amount(), .time = time()};
  withdraw.metadata = read_from(command_stream(), command_position());
  return withdraw;
}

Deposit reserved_deposit() { return reserved(deposit(), deposit_id); }
Withdraw reserved_withdraw() { return reserved(withdraw(), withdrawal_id); }

Account account() {
  return Account{.id = account_id,
                 .customer_id = customer_id,
                 .balance = amount(),
                 .opened_time = time(),
                 .closed_time = std::nullopt,
                 .sequence = 1};
}

namespace ruby {

const std::vector<value>& amounts() {
  static const std::vector<value> values{{"100", "100"},
                                         {"11.5", "11.5"},
                                         {"4.0", "4.0"},
                                         {"0.30000000000000004", "0.30000000000000004"},
                                         {"1.0e-05", "0.000010"},
                                         {"1.0e+20", "100000000000000000000"},
                                         {"123456789012345678901234567890", "123456789012345678901234567890"}};
  return values;
}

const std::vector<value>& times() {
  static const std::vector<value> values{{R"("2026-11-28T04:52:15.067Z")", R"("2026-11-28T04:52:15.067Z")"},
                                         {R"("2026-11-28T04:52:15.067+00:00")", R"("2026-11-28T04:52:15.067+00:00")"},
                                         {R"("2026-11-27T23:22:15.067-05:30")", R"("2026-11-27T23:22:15.067-05:30")"},
                                         {R"("2026-11-28T04:52:15.067123Z")", R"("2026-11-28T04:52:15.067123Z")"},
                                         {"null", "null"}};
  return values;
}

std::string deposit_data(const std::string& amount, const std::string& time) {
  return R"({"depositId":")" + deposit_id + R"(","accountId":")" + account_id + R"(","amount":)" + amount +
         R"(,"time":)" + time + "}";
}

}  // namespace ruby

}  // namespace account_component::controls
