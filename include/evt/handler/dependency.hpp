#pragma once

#include <evt/handler/handler.hpp>
#include <evt/store/session.hpp>

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
    owner_.dependencies_.push_back({this, [this](store::session& session) {
                                      if (!assigned_) T::configure(session);
                                    }});
  }
  ~dependency() { std::erase_if(owner_.dependencies_, [this](const auto& entry) { return entry.first == this; }); }

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
