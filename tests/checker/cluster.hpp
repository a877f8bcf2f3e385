#pragma once

#include "schedule.hpp"

#include <chrono>
#include <string>

// The schedule's PostgreSQL: a primary made by temporary-cluster.sh start,
// and optionally a streaming standby (temporary-cluster.sh standby), which
// a failover promotes after halting the primary. Everything reaches it with
// libpq's multi-host conninfo (both sockets, target_session_attrs=read-write),
// so after a failover the same conninfo finds the promoted standby.
namespace evt_checker {

class cluster {
 public:
  cluster(std::string script, std::string installer, std::string directory, std::string log, bool durable);

  void start();
  void add_standby(standby_mode mode);
  // pg_ctl stop -m immediate, then start, of whichever server is the primary.
  void crash();
  // The asynchronous standby stops receiving WAL.
  void detach();
  // The primary halted (immediate), the standby promoted: it is the primary
  // now. Returns when the primary had stopped (nothing written to it after).
  std::chrono::steady_clock::time_point failover();
  // Stops whatever it started (and deletes its directories).
  void stop();

  std::string conninfo() const;
  const std::string& primary_directory() const { return primary_; }
  std::string describe() const;

 private:
  void script(const std::vector<std::string>& arguments, bool durable_environment = false);

  std::string script_;
  std::string installer_;
  std::string log_;
  bool durable_;
  std::string first_;    // where start made the first primary
  std::string standby_;  // empty without one
  std::string primary_;  // the current primary
  bool started_ = false;
};

}  // namespace evt_checker
