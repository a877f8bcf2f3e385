#pragma once

#include <evt/handler/handler.hpp>
#include <evt/store/session.hpp>

#include <utility>

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
// for real by adding it to a consumer. It is a T: write(...),
// store.fetch(...), and assigning another T (a test's own substitute) work
// as on the T itself.
template <class T>
class dependency : public T {
 public:
  explicit dependency(handler& owner)
    requires requires { T::substitute(); }
      : dependency{owner, T::substitute()} {}

  dependency(handler& owner, T substitute) : T{std::move(substitute)} {
    owner.dependencies_.push_back([this](store::session& session) { T::configure(session); });
  }

  // The handler refers to this object: it stays where it is.
  dependency(const dependency&) = delete;
  dependency& operator=(const dependency&) = delete;

  dependency& operator=(T replacement) {
    static_cast<T&>(*this) = std::move(replacement);
    return *this;
  }
};

}  // namespace evt
