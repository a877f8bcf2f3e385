#include <evt/consumer/host.hpp>

#include <evt/error_kind.hpp>

#include <csignal>
#include <ctime>
#include <exception>
#include <iostream>
#include <mutex>
#include <thread>

namespace evt {

host& host::add(consumer& consumer) {
  consumers_.push_back(&consumer);
  return *this;
}

int host::run() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigset_t previous;
  pthread_sigmask(SIG_BLOCK, &signals, &previous);

  std::atomic<bool> failed{false};
  std::mutex error_output;
  std::vector<std::thread> threads;
  // Called inside a catch block.
  const auto report = [&](const consumer* consumer) {
    const std::lock_guard lock{error_output};
    std::cerr << "Consumer failed (Position Stream: " << consumer->position_stream_name()
              << ", Error Class: " << class_name_of_current_exception() << ", Error: " << message_of_current_exception()
              << ")\n";
    failed = true;
  };
  for (auto* consumer : consumers_) {
    threads.emplace_back([&, consumer] {
      try {
        consumer->run();
      } catch (...) {
        report(consumer);
      }
    });
  }

  const timespec wait{.tv_sec = 0, .tv_nsec = 50'000'000};
  while (!stopping_ && !failed) {
    if (sigtimedwait(&signals, nullptr, &wait) > 0) stopping_ = true;
  }
  for (auto* consumer : consumers_) consumer->stop();
  for (auto& thread : threads) thread.join();

  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  return failed ? 1 : 0;
}

}  // namespace evt
