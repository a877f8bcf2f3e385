#include "run.hpp"

#include "clients.hpp"
#include "cluster.hpp"
#include "component.hpp"
#include "foreign.hpp"
#include "process.hpp"

#include <evt/store/session.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>

namespace evt_checker {

std::atomic<bool>& interrupted() {
  static std::atomic<bool> flag{false};
  return flag;
}

namespace {

struct interruption : std::runtime_error {
  interruption() : std::runtime_error{"interrupted"} {}
};

std::string seconds_since(clock::time_point since) {
  std::ostringstream text;
  text.precision(1);
  text << std::fixed << std::chrono::duration<double>(clock::now() - since).count() << " s";
  return text.str();
}

class schedule_run {
 public:
  schedule_run(const run_options& options, const schedule& s) : options_{options}, s_{s} {
    directory_ = options.work + "/schedule-" + std::to_string(s.index);
    std::filesystem::remove_all(directory_);
    std::filesystem::create_directories(directory_ + "/logs");
    // The servers run as user postgres, which must reach the cluster folders in here.
    ::chmod(directory_.c_str(), 0755);
    log_ = directory_ + "/logs/checker.log";
    std::ofstream{directory_ + "/plan.txt"} << s.describe();
  }

  schedule_result run() {
    schedule_result result{.directory = directory_};
    cluster_.emplace(options_.cluster_script, options_.installer, directory_, directory_ + "/logs/cluster.log",
                     s_.durable);
    try {
      execute(result);
    } catch (const interruption&) {
      result.violations.push_back({.invariant = "the schedule ran to its end", .subject = "interrupted",
                                   .evidence = "interrupted by a signal"});
    } catch (const std::exception& failure) {
      result.violations.push_back({.invariant = "the schedule ran to its end (the checker's own failure)",
                                   .subject = "failure", .evidence = failure.what()});
    }
    abandon_ = true;
    if (clients_) clients_->join();
    if (foreign_) foreign_->join();
    if (component_) {
      component_.reset();  // kills whatever still runs
    }
    history_.write(directory_ + "/history.jsonl", origin_);
    const bool failed = !result.violations.empty();
    if (failed && options_.keep) {
      result.kept = true;
      log("kept for inspection: " + cluster_->describe());
    } else {
      try {
        cluster_->stop();
      } catch (const std::exception& failure) {
        result.violations.push_back({.invariant = "the schedule ran to its end (the checker's own failure)",
                                     .subject = "cluster stop", .evidence = failure.what()});
      }
    }
    std::ofstream out{directory_ + "/violations.txt"};
    for (const auto& v : result.violations) out << v.invariant << "\n  " << v.evidence << "\n";
    return result;
  }

 private:
  void log(const std::string& line) {
    std::ofstream{log_, std::ios::app} << "[" << seconds_since(origin_) << "] " << line << std::endl;
  }

  void check_interrupted() {
    if (interrupted()) throw interruption{};
  }

  // Waits until the moment, watching the members.
  void idle_until(clock::time_point until) {
    while (clock::now() < until) {
      check_interrupted();
      component_->check();
      std::this_thread::sleep_for(std::min<clock::duration>(until - clock::now(), std::chrono::milliseconds{100}));
    }
  }

  static bool only_duplicates_refused(const completed& done) {
    if (!WIFEXITED(done.status) || WEXITSTATUS(done.status) != 1) return false;
    std::istringstream lines{done.output};
    bool refused = false;
    for (std::string line; std::getline(lines, line);) {
      const auto row = nlohmann::json::parse(line, nullptr, false);
      if (!row.is_object() || row.value("outcome", "") != "refused") continue;
      if (!row["error"].is_string() || !row["error"].get<std::string>().starts_with("Not replayable")) return false;
      refused = true;
    }
    return refused;
  }

  void replay_parked(const std::string& when) {
    log("evt parked replay --all account:command (" + when + ")");
    const auto done = evt_checker::run({options_.evt, "parked", "replay", "--all", "account:command", "--json",
                                        "--database", cluster_->conninfo()},
                                       directory_ + "/logs/evt.log", std::chrono::minutes{2});
    std::ofstream{directory_ + "/logs/evt.log", std::ios::app}
        << "=== evt parked replay --all account:command (" << when << "): " << describe_status(done.status) << "\n"
        << done.output;
    // Exit 1 when it refused some: only duplicates of reserved commands may
    // be refused (not replayable, and it says so).
    if (when == "quiet" && !exited_zero(done.status) && !only_duplicates_refused(done)) {
      throw std::runtime_error{"evt parked replay --all account:command failed in the quiet phase: " +
                               describe_status(done.status) + "\n" + done.output + tail(directory_ + "/logs/evt.log", 8)};
    }
  }

  void act(const action& a) {
    log("action " + a.describe());
    switch (a.kind) {
      case action_kind::restart_member: component_->restart_member(a.member); break;
      case action_kind::kill_member:
        component_->kill_member(a.member);
        idle_until(clock::now() + std::chrono::milliseconds{a.pause_ms});
        component_->start_member(a.member);
        break;
      case action_kind::reconfigure:
        component_->stop_all(std::chrono::milliseconds{a.pause_ms});
        component_->start(a.configuration);
        break;
      case action_kind::replay: replay_parked("active"); break;
      case action_kind::crash: cluster_->crash(); break;
      case action_kind::detach: cluster_->detach(); break;
      case action_kind::failover: {
        const auto halted = cluster_->failover();
        if (s_.standby == standby_mode::async) facts_.lossy_failover = halted;
        break;
      }
    }
    log("action done: " + name_of(a.kind));
  }

  // Until nothing is pending, at most `bound`: the pending items when it gave up.
  std::vector<std::string> wait_until_handled(evt::store::session& session, std::chrono::seconds bound,
                                              const checker& check) {
    const auto deadline = clock::now() + bound;
    std::vector<std::string> pending;
    for (;;) {
      check_interrupted();
      component_->check();
      try {
        pending = check.pending(read_snapshot(session));
      } catch (const std::exception& failure) {
        pending = {std::string{"the store could not be read: "} + failure.what()};
      }
      if (pending.empty()) {
        // Duplicates leave no trace when handled: a moment more for them.
        idle_until(clock::now() + std::chrono::seconds{2});
        pending = check.pending(read_snapshot(session));
        if (pending.empty()) return pending;
      }
      if (clock::now() >= deadline) return pending;
      idle_until(clock::now() + std::chrono::milliseconds{500});
    }
  }

  violation stall(const std::vector<std::string>& pending, const std::string& when, const snapshot& s) {
    violation v{.invariant = "no stall: every message in the store is handled within " +
                             std::to_string(options_.quiet_seconds) + " s after the last fault",
                .subject = "stall " + when};
    v.evidence = std::to_string(pending.size()) + " not handled " + when + ":";
    for (std::size_t i = 0; i < pending.size() && i < 10; ++i) v.evidence += "\n    " + pending[i];
    if (pending.size() > 10) v.evidence += "\n    ...";
    v.evidence += "\n    last global position of account:command " + std::to_string(s.last_global_position) +
                  "; recorded positions:";
    for (const auto& p : s.positions) v.evidence += " " + p.stream + "=" + std::to_string(p.position);
    // A member still retrying an error: its last lines say so.
    for (int m = 0; m < component_->configuration().members(); ++m) {
      std::ifstream in{component_->log_of(m)};
      std::string line;
      std::string last;
      int since = 0;  // lines after the last error
      while (std::getline(in, line)) {
        ++since;
        if (line.find("Transient error") != std::string::npos || line.find("Connection lost") != std::string::npos) {
          last = line;
          since = 0;
        }
      }
      if (!last.empty() && since < 5) {
        v.evidence += "\n    member " + std::to_string(m) + " is still retrying: " + last.substr(0, 400);
      }
    }
    return v;
  }

  void add(schedule_result& result, std::vector<violation> found) {
    for (auto& v : found) {
      bool seen = false;
      for (const auto& earlier : result.violations) seen |= earlier.subject == v.subject;
      if (!seen) result.violations.push_back(std::move(v));
    }
  }

  void execute(schedule_result& result) {
    log(s_.describe());
    cluster_->start();
    cluster_->add_standby(s_.standby);
    const auto conninfo = cluster_->conninfo();
    log("store: " + conninfo);
    origin_ = clock::now();
    component_.emplace(options_.bin + "/account-component", conninfo, directory_ + "/logs", origin_);
    component_->start(s_.initial);
    clients_.emplace(s_, conninfo, history_, abandon_);
    foreign_.emplace(s_, conninfo, options_.evt, directory_ + "/logs/foreign.log", history_, abandon_, origin_);
    clients_->start();
    foreign_->start();

    // The active phase: the operator's actions and the faults at their moments.
    for (const auto& a : s_.actions) {
      idle_until(origin_ + std::chrono::milliseconds{a.at_ms});
      act(a);
    }
    idle_until(origin_ + std::chrono::milliseconds{s_.active_ms});
    // The writers finish (a write still failing gives up after 90 s).
    std::atomic<bool> joined{false};
    std::thread joiner{[&] {
      clients_->join();
      foreign_->join();
      joined = true;
    }};
    const auto give_up = clock::now() + std::chrono::minutes{4};
    while (!joined && clock::now() < give_up && !interrupted()) {
      try {
        component_->check();
      } catch (...) {
        abandon_ = true;
        joiner.join();
        throw;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds{200});
    }
    if (!joined) abandon_ = true;
    joiner.join();
    check_interrupted();

    // Quiet: no more faults; the component runs in its final configuration.
    component_->check();
    const auto quiet = clock::now();
    log("quiet (" + component_->configuration().describe() + ")");
    checker check{s_, history_.attempts(), facts_};
    evt::store::session session{{.conninfo = conninfo}};
    const std::chrono::seconds bound{options_.quiet_seconds};
    const auto pending = wait_until_handled(session, bound, check);
    const auto first = read_snapshot(session);
    if (!pending.empty()) add(result, {stall(pending, "before the replay", first)});
    log("handled " + seconds_since(quiet) + " after the last fault" + (pending.empty() ? "" : " (not all: a stall)"));
    add(result, check.check(first));

    replay_parked("quiet");
    const auto replayed = clock::now();
    const auto after_pending = wait_until_handled(session, pending.empty() ? bound : bound / 2, check);
    const auto second = read_snapshot(session);
    if (!after_pending.empty()) add(result, {stall(after_pending, "after the replay", second)});
    log("handled " + seconds_since(replayed) + " after the replay");
    add(result, check.check(second));
    add(result, check.compare_replay(first, second));

    // Balances: the component's projection against the sums of the streams.
    const auto sums = check.balances(second);
    for (const auto& [account, sum] : sums) {
      const auto shown = evt_checker::run({options_.bin + "/account-client", "--database", conninfo, "show", account},
                                          directory_ + "/logs/account-client.log", std::chrono::seconds{60});
      const auto text = exited_zero(shown.status) ? json_number_text(shown.output, "balance") : std::nullopt;
      const auto balance = text ? decimal::parse(*text) : std::nullopt;
      if (!balance || *balance != sum) {
        add(result, {{.invariant = "balances equal the sum of their events",
                      .subject = "balance " + account,
                      .evidence = "account-client show " + account + " (" + describe_status(shown.status) + "): " +
                                  (shown.output.empty() ? std::string{"nothing"} : shown.output) +
                                  "; the sum of account-" + account + "'s events: " + sum.to_string()}});
      }
    }

    component_->stop_all();
    for (const auto& problem : component_->problems()) {
      add(result, {{.invariant = "the services never exit unless told to", .subject = problem, .evidence = problem}});
    }
    result.lost = check.lost(second);

    // The figures of the run.
    const auto attempts = history_.attempts();
    std::size_t acknowledged = 0, unknown = 0, failed = 0;
    for (const auto& a : attempts) {
      acknowledged += a.outcome == outcome::acknowledged;
      unknown += a.outcome == outcome::unknown;
      failed += a.outcome == outcome::failed;
    }
    std::size_t events = 0;
    for (const auto& [stream, list] : second.accounts) events += list.size();
    result.summary = std::to_string(attempts.size()) + " writes (" + std::to_string(acknowledged) + " acknowledged, " +
                     std::to_string(unknown) + " unknown, " + std::to_string(failed) + " failed), " +
                     std::to_string(second.commands.size()) + " messages in account:command, " +
                     std::to_string(events) + " events, " + std::to_string(second.dead_letters.size()) + " parked, " +
                     std::to_string(result.lost.size()) + " lost; handled " +
                     (pending.empty() ? "within the bound" : "NOT within the bound") + " after the last fault";
    log(result.summary);
  }

  const run_options& options_;
  const schedule& s_;
  std::string directory_;
  std::string log_;
  clock::time_point origin_ = clock::now();
  std::atomic<bool> abandon_{false};
  history history_;
  run_facts facts_;
  std::optional<cluster> cluster_;
  std::optional<component> component_;
  std::optional<clients> clients_;
  std::optional<foreign_writer> foreign_;
};

}  // namespace

schedule_result run_schedule(const run_options& options, const schedule& s) { return schedule_run{options, s}.run(); }

}  // namespace evt_checker
