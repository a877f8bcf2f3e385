#include "cluster.hpp"

#include "process.hpp"

#include <stdexcept>

namespace evt_checker {

cluster::cluster(std::string script, std::string installer, std::string directory, std::string log, bool durable)
    : script_{std::move(script)},
      installer_{std::move(installer)},
      log_{std::move(log)},
      durable_{durable},
      first_{directory + "/primary"},
      primary_{first_} {}

void cluster::script(const std::vector<std::string>& arguments, bool durable_environment) {
  std::vector<std::string> argv{script_};
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  std::vector<std::string> environment;
  if (durable_environment) environment.emplace_back("EVT_CLUSTER_DURABLE=1");
  const auto done = run(argv, log_, std::chrono::minutes{3}, environment);
  std::string command;
  for (const auto& a : arguments) command += " " + a;
  if (done.timed_out || !exited_zero(done.status)) {
    throw std::runtime_error{"temporary-cluster.sh" + command + " failed (" +
                             (done.timed_out ? std::string{"timed out"} : describe_status(done.status)) + "):\n" +
                             done.output + tail(log_, 15)};
  }
}

void cluster::start() {
  started_ = true;
  script({"start", first_, installer_}, durable_);
}

void cluster::add_standby(standby_mode mode) {
  if (mode == standby_mode::none) return;
  standby_ = first_.substr(0, first_.rfind('/')) + "/standby";
  script({"standby", standby_, first_, mode == standby_mode::sync ? "sync" : "async"});
}

void cluster::crash() { script({"crash", primary_}); }

void cluster::detach() {
  if (standby_.empty() || primary_ == standby_) throw std::logic_error{"no standby to detach"};
  script({"detach", standby_});
}

std::chrono::steady_clock::time_point cluster::failover() {
  if (standby_.empty() || primary_ == standby_) throw std::logic_error{"no standby to fail over to"};
  script({"halt", first_});
  const auto halted = std::chrono::steady_clock::now();
  script({"promote", standby_});
  primary_ = standby_;
  return halted;
}

void cluster::stop() {
  if (!started_) return;
  std::string failures;
  for (const auto& directory : {first_, standby_}) {
    if (directory.empty()) continue;
    try {
      script({"stop", directory});
    } catch (const std::exception& failure) {
      failures += failure.what();
    }
  }
  started_ = false;
  if (!failures.empty()) throw std::runtime_error{failures};
}

std::string cluster::conninfo() const {
  const std::string common = " dbname=message_store user=message_store connect_timeout=5";
  if (standby_.empty()) return "host=" + first_ + " port=5432" + common;
  return "host=" + first_ + "," + standby_ + " port=5432,5432" + common + " target_session_attrs=read-write";
}

std::string cluster::describe() const {
  return "primary " + primary_ + (standby_.empty() || standby_ == primary_ ? "" : ", standby " + standby_);
}

}  // namespace evt_checker
