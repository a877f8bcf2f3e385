#include "clients.hpp"

#include "writer.hpp"

#include <evt/store/session.hpp>

namespace evt_checker {

void pause(std::chrono::milliseconds duration, const std::atomic<bool>& abandon) {
  const auto until = clock::now() + duration;
  while (!abandon && clock::now() < until) {
    std::this_thread::sleep_for(std::min<clock::duration>(until - clock::now(), std::chrono::milliseconds{50}));
  }
}

clients::clients(const schedule& schedule, std::string conninfo, history& history, const std::atomic<bool>& abandon)
    : schedule_{schedule}, conninfo_{std::move(conninfo)}, history_{history}, abandon_{abandon} {}

clients::~clients() { join(); }

void clients::start() {
  for (std::size_t c = 0; c < schedule_.clients.size(); ++c) threads_.emplace_back([this, c] { run(c); });
}

void clients::join() {
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
  threads_.clear();
}

void clients::run(std::size_t client) {
  evt::store::session session{{.conninfo = conninfo_}};
  writer write{session, history_, schedule_.seed ^ (0x1000 + client), abandon_};
  const auto name = "client " + std::to_string(client);
  for (const auto& issue : schedule_.clients[client]) {
    pause(std::chrono::milliseconds{issue.pause_ms}, abandon_);
    if (abandon_) return;
    const auto& command = schedule_.commands[issue.command];
    write.write({.stream = "account:command-" + command.account,
                 .type = command.type,
                 .data = command.data,
                 .role = role::valid,
                 .command = issue.command,
                 .writer = name});
  }
}

}  // namespace evt_checker
