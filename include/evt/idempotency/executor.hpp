#pragma once

#include <evt/error.hpp>
#include <evt/idempotency/manager.hpp>

#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <string_view>
#include <type_traits>
#include <utility>

namespace evt::idempotency {

// What the operation is told of its run: the key and the attempt (1, or
// more when it took over from a caller whose lease expired, which may have
// done part of the work: pass derived keys to the services it calls).
struct attempt {
  std::string_view key;
  std::int64_t number = 1;
};

// Wraps an operation so that each key runs it once: the first caller runs
// it and records its result; later callers get that result, or the
// recorded failure thrown, or, while it is pending, wait for it (or are
// refused at once with an operation_pending_error). A waiting caller takes
// the key over when the holder's lease expires, so a crashed holder delays
// the key by its lease, not its retention. Each call is a holder of its own:
// calls never complete each other's runs, whatever threads they share.
//
//   evt::idempotency::executor charge{payments};
//   auto receipt = charge(key, fingerprint, [&] { return gateway.charge(amount); });
//
// Failures: the operation throwing a Failure records it. With the default
// Failure type, idempotency::failure, any std::exception is recorded unless
// is_recorded says otherwise (by default: unless is_transient). Anything not
// recorded releases the key, so that the next call runs the operation
// again. Either way the caller gets the original exception.
template <class Result, class Failure = idempotency::failure, class Serializer = msgpack_serializer>
class executor {
 public:
  using manager_type = idempotency::manager<Result, Failure, Serializer>;

  enum class when_pending { wait, reject };

  struct settings {
    when_pending pending = when_pending::wait;
    std::chrono::milliseconds wait_timeout{std::chrono::seconds{30}};
    std::function<bool(const std::exception&)> is_recorded = [](const std::exception& error) {
      return !is_transient(error);
    };
  };

  explicit executor(manager_type& manager) : executor{manager, settings{}} {}
  executor(manager_type& manager, settings settings) : manager_{manager}, settings_{std::move(settings)} {}

  template <class Operation>
  Result operator()(std::string_view key, std::string_view context, Operation&& operation) {
    return (*this)(holder::make(), key, context, std::forward<Operation>(operation));
  }

  // The same, for a caller that keeps its holder: called again with it after
  // a connection_error, it is recognised as the caller whose lost initiate
  // took the key (and runs the operation at once) instead of waiting out its
  // own lease as another caller would.
  template <class Operation>
  Result operator()(const holder& caller, std::string_view key, std::string_view context, Operation&& operation) {
    auto& records = manager_.records();
    const auto clock = records.settings().clock;
    const auto deadline = clock() + settings_.wait_timeout;
    for (;;) {
      if (manager_.initiate(caller, key, context)) return run(caller, key, operation);
      const auto found = manager_.get(key);
      if (!found) continue;  // expired just now: initiate again
      if (found->status() != status::pending) return manager_.outcome(*found);
      const auto now = clock();
      if (settings_.pending == when_pending::reject || now >= deadline) {
        throw operation_pending_error{"Operation is pending in another caller (Key: " + std::string{key} +
                                          ", Attempt: " + std::to_string(found->stored.attempt) + ")",
                                      std::string{key}};
      }
      // Until it completes, or its lease expires and this caller takes over.
      const auto until = std::min({deadline, found->stored.lease_expires_at, now + records.settings().poll_interval});
      records.pause(std::max(std::chrono::milliseconds{1}, std::chrono::duration_cast<std::chrono::milliseconds>(until - now)));
    }
  }

 private:
  template <class Operation>
  Result run(const holder& caller, std::string_view key, Operation& operation) {
    const auto found = manager_.get(key);
    const idempotency::attempt current{.key = key, .number = found ? found->stored.attempt : 1};
    std::optional<Result> result;
    try {
      if constexpr (std::is_invocable_v<Operation&, const idempotency::attempt&>) {
        result.emplace(operation(current));
      } else {
        result.emplace(operation());
      }
    } catch (...) {
      settle(caller, key, std::current_exception());
      throw;
    }
    manager_.success(caller, key, *result);
    return std::move(*result);
  }

  // Records the operation's failure, or releases the key for a transient
  // one. Recording must not hide the failure: if it fails too, the lease
  // expires and another caller runs the operation again.
  void settle(const holder& caller, std::string_view key, const std::exception_ptr& thrown) noexcept {
    try {
      try {
        std::rethrow_exception(thrown);
      } catch (const Failure& failure) {
        manager_.fail(caller, key, failure);
        return;
      } catch (const std::exception& error) {
        if constexpr (std::is_same_v<Failure, idempotency::failure>) {
          if (settings_.is_recorded(error)) {
            manager_.fail(caller, key, failure_of(error));
            return;
          }
        }
      } catch (...) {
      }
      manager_.release(caller, key);
    } catch (...) {
    }
  }

  manager_type& manager_;
  settings settings_;
};

}  // namespace evt::idempotency
