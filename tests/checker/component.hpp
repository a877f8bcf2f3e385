#pragma once

#include "history.hpp"
#include "schedule.hpp"

#include <string>
#include <sys/types.h>
#include <vector>

// The account component as the operator runs it: one process per consumer
// group member (or one without a group), each logging to its own file. The
// supervisor starts a configuration, stops it (SIGTERM: each must exit 0),
// restarts or kills a member, and notices a member that ended without being
// told to (a violation: the services never exit unless told to), which it
// starts again so that the schedule goes on.
namespace evt_checker {

class component {
 public:
  component(std::string binary, std::string conninfo, std::string log_directory, clock::time_point origin);
  ~component();

  void start(const component_configuration& configuration);
  // Each member in turn, `between` apart (an operator's rolling stop).
  void stop_all(std::chrono::milliseconds between = {});
  void restart_member(int member);
  void kill_member(int member);
  void start_member(int member);
  // Members that ended by themselves since the last call: each is reported
  // and started again.
  void check();

  const component_configuration& configuration() const { return configuration_; }
  // What went wrong: a member that exited by itself, or did not stop
  // cleanly when told to. Each entry: the member, how it ended, its log's tail.
  const std::vector<std::string>& problems() const { return problems_; }
  std::string log_of(int member) const;

 private:
  struct member {
    pid_t pid = 0;  // 0: not running
  };
  void stop_member(int member, bool report);
  void note(int member, const std::string& line) const;
  long long now_ms() const;

  std::string binary_;
  std::string conninfo_;
  std::string log_directory_;
  clock::time_point origin_;
  component_configuration configuration_;
  std::vector<member> members_;
  std::vector<std::string> problems_;
};

}  // namespace evt_checker
