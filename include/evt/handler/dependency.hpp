#pragma once

#include <evt/handler/handler.hpp>
#include <evt/store/session.hpp>

#include <string_view>
#include <utility>
#include <vector>

namespace evt {

// A handler's dependency, declared once, as Eventide's `dependency :write`:
//
//   struct Commands : evt::handler {
//     evt::dependency<evt::writer> write{*this};
//     evt::dependency<evt::reservation> reservation{*this};
//     evt::dependency<accounts> store{*this, accounts{"account", projection()}};
//     ...
//   };
//
// Until the handler is configured it is a substitute: T::substitute(), or
// the one given. handler::configure(session) (the consumer the handler is
// added to calls it) then builds it on that session with
// T::configure(session). So a handler is written once, tested with its
// substitutes as it is (Commands commands; commands(deposit);), and run
// for real by adding it to a consumer. A handler used outside a consumer
// must be configured by hand: until then it writes to its substitutes.
// It is a T: write(...), store.fetch(...), and assigning another T work as
// on the T itself; a T assigned is the test's own and stays, configured or not.
template <class T>
class dependency : public T {
 public:
  explicit dependency(handler& owner)
    requires requires { T::substitute(); }
      : dependency{owner, T::substitute()} {}

  dependency(handler& owner, T substitute) : T{std::move(substitute)}, owner_{owner} {
    handler::dependency_hooks hooks{.dependency = this,
                                    .configure = [this](store::session& session) {
                                      if (!assigned_) T::configure(session);
                                    },
                                    .forget = nullptr,
                                    .forget_everything = nullptr};
    // A dependency that keeps what it read (an entity store) can be told it is stale.
    if constexpr (requires(T& t, std::string_view stream) { t.forget_stream(stream); }) {
      hooks.forget = [this](std::string_view stream) { T::forget_stream(stream); };
    }
    if constexpr (requires(T& t) { t.forget_everything(); }) {
      hooks.forget_everything = [this] { T::forget_everything(); };
    }
    owner_.dependencies_.push_back(std::move(hooks));
  }
  ~dependency() {
    std::erase_if(owner_.dependencies_, [this](const auto& hooks) { return hooks.dependency == this; });
  }

  // The handler refers to this object: it stays where it is.
  dependency(const dependency&) = delete;
  dependency& operator=(const dependency&) = delete;

  dependency& operator=(T replacement) {
    static_cast<T&>(*this) = std::move(replacement);
    assigned_ = true;
    return *this;
  }

 private:
  handler& owner_;
  bool assigned_ = false;
};

}  // namespace evt
