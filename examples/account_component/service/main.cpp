// account-component: the account service. Runs until SIGINT or SIGTERM,
// then finishes the current message, records its position and exits 0;
// exits 1 when it fails.
//
//   account-component [--database CONNINFO] [--group-member N --group-size M]
//                     [--poll-interval-ms MS] [--batch-size N]
//
// Without --database, libpq's PG* variables say where the store is. One log
// line per handled message on stdout, ignored commands included.
#include "command_line/arguments.hpp"
#include "component/component.hpp"

#include <evt/consumer/host.hpp>
#include <evt/error.hpp>
#include <evt/store/session.hpp>

#include <iostream>
#include <mutex>

namespace {

using account_component::command_line::arguments;

constexpr const char* usage =
    "usage: account-component [--database CONNINFO] [--group-member N --group-size M]\n"
    "                         [--poll-interval-ms MS] [--batch-size N]\n";

int run(const arguments& args) {
  if (!args.positional().empty()) throw arguments::usage_error{"Unexpected argument " + args.positional().front()};
  account_component::component::settings settings;
  const auto member = args.number("group-member", 0, 1'000'000);
  const auto size = args.number("group-size", 1, 1'000'000);
  if (member.has_value() != size.has_value()) {
    throw arguments::usage_error{"--group-member and --group-size go together"};
  }
  if (member) {
    if (*member >= *size) throw arguments::usage_error{"--group-member must be less than --group-size"};
    settings.consumer_group = evt::store::consumer_group{.member = *member, .size = *size};
  }
  if (const auto poll = args.number("poll-interval-ms", 1, 3'600'000)) settings.poll_interval = std::chrono::milliseconds{*poll};
  if (const auto batch = args.number("batch-size", 1, 1'000'000)) settings.batch_size = *batch;
  std::mutex output;
  settings.log = [&output](const std::string& line) {
    const std::lock_guard lock{output};
    std::cout << line << std::endl;
  };

  evt::store::session session{{.conninfo = args.option("database").value_or("")}};
  account_component::component component{session, settings};
  settings.log("Account component started (Category: account:command, Position Stream: " +
               component.consumer().position_stream_name() + ")");
  evt::host host;
  host.add(component.consumer());
  const auto status = host.run();
  settings.log(status == 0 ? "Account component stopped" : "Account component failed");
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  return account_component::command_line::run_program(
      "account-component", usage, argc, argv,
      {"database", "group-member", "group-size", "poll-interval-ms", "batch-size"}, run);
}
