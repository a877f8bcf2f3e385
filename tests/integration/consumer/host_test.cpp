// The component host: consumers in threads, stopped together by a signal,
// a failure made visible in the exit code.
#include <evt/consumer/host.hpp>

#include "support/database.hpp"
#include "support/names.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <ctime>
#include <stdexcept>
#include <thread>

namespace {

using namespace evt::test;

void wait_for(const std::atomic<int>& count, int at_least) {
  for (int i = 0; i < 1000 && count < at_least; ++i) std::this_thread::sleep_for(std::chrono::milliseconds{10});
}

// SIGTERM blocked in this thread (and the threads it starts) for its
// lifetime; then the previous mask again, a SIGTERM still pending taken
// first so that unblocking it does not end the test process.
class sigterm_blocked {
 public:
  sigterm_blocked() {
    sigemptyset(&sigterm_);
    sigaddset(&sigterm_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigterm_, &previous_);
  }
  ~sigterm_blocked() {
    const timespec now{};
    while (sigtimedwait(&sigterm_, nullptr, &now) > 0) {
    }
    pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
  }
  sigterm_blocked(const sigterm_blocked&) = delete;
  sigterm_blocked& operator=(const sigterm_blocked&) = delete;

 private:
  sigset_t sigterm_;
  sigset_t previous_;
};

// Each test leaves the signal mask as it found it: a signal left blocked
// would stay blocked for every later test in this process.
class Host : public ::testing::Test {
 protected:
  void SetUp() override { pthread_sigmask(SIG_SETMASK, nullptr, &before_); }
  void TearDown() override {
    sigset_t after;
    pthread_sigmask(SIG_SETMASK, nullptr, &after);
    for (int signal = 1; signal < NSIG; ++signal) {
      EXPECT_EQ(sigismember(&after, signal), sigismember(&before_, signal)) << "signal " << signal << " (un)blocked";
    }
  }

 private:
  sigset_t before_;
};

TEST_F(Host, RunsEveryConsumerUntilSigtermThenStopsThemAll) {
  evt::store::session first_session{{.conninfo = conninfo()}};
  evt::store::session second_session{{.conninfo = conninfo()}};
  const auto first_category = unique_category();
  const auto second_category = unique_category();
  std::atomic<int> handled{0};
  evt::consumer first{first_session, {.category = first_category, .poll_interval = std::chrono::milliseconds{10}}};
  evt::consumer second{second_session, {.category = second_category, .poll_interval = std::chrono::milliseconds{10}}};
  first.add_handler([&](const evt::store::message_data&) { ++handled; });
  second.add_handler([&](const evt::store::message_data&) { ++handled; });

  // The signal must reach the host, not end the test process.
  const sigterm_blocked blocked;

  evt::host host;
  host.add(first).add(second);
  int exit_code = -1;
  std::thread running{[&] { exit_code = host.run(); }};
  database{}.write(stream_name(first_category, unique_id()));
  database{}.write(stream_name(second_category, unique_id()));
  wait_for(handled, 2);
  kill(getpid(), SIGTERM);
  running.join();
  EXPECT_EQ(exit_code, 0);
  EXPECT_EQ(handled, 2);
}

TEST_F(Host, AFailingConsumerStopsTheOthersAndTheExitCodeSaysSo) {
  evt::store::session failing_session{{.conninfo = conninfo()}};
  evt::store::session healthy_session{{.conninfo = conninfo()}};
  const auto failing_category = unique_category();
  evt::consumer failing{failing_session, {.category = failing_category, .poll_interval = std::chrono::milliseconds{10}}};
  evt::consumer healthy{healthy_session, {.category = unique_category(), .poll_interval = std::chrono::milliseconds{10}}};
  failing.add_handler([](const evt::store::message_data&) { throw std::runtime_error{"handler failed"}; });
  healthy.add_handler([](const evt::store::message_data&) {});
  database{}.write(stream_name(failing_category, unique_id()));

  evt::host host;
  host.add(failing).add(healthy);
  EXPECT_EQ(host.run(), 1);
}

}  // namespace
