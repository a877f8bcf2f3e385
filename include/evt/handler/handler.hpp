#pragma once

#include <evt/error.hpp>
#include <evt/message/conversion.hpp>
#include <evt/store/message_data.hpp>
#include <evt/store/session.hpp>

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeindex>
#include <utility>
#include <vector>

namespace evt {

template <class T>
class dependency;

// The handler DSL (SPEC 2.6). A handler declares a block per message type
// and is called with typed messages or raw rows from the store:
//
//   struct Commands : evt::handler {
//     evt::dependency<evt::writer> write{*this};   // see dependency.hpp
//
//     Commands() {
//       handle<Deposit>([this](const Deposit& deposit) { ... });
//       handle<Withdraw>(&Commands::withdraw);   // or a member function
//     }
//   };
//
// Strict handlers refuse what they do not handle; others ignore it.
// Strictness defaults to the environment variable HANDLE_STRICT (on/off,
// default off), as in Eventide.
class handler {
 public:
  // Named after its class ("Commands" for account_component::Commands).
  handler();
  explicit handler(std::string name);
  handler(std::string name, bool strict) : name_{std::move(name)}, strict_{strict} {}
  virtual ~handler() = default;
  // Blocks usually capture `this`: a copy or a move would call the original.
  handler(const handler&) = delete;
  handler& operator=(const handler&) = delete;

  std::string name() const;

  // Builds every evt::dependency the handler declared on `session`, in place
  // of its substitute. A consumer does it when the handler is added to it.
  // Once only: again with the same session it does nothing; with another
  // (a second consumer on another session) it is an evt::error, since its
  // dependencies cannot write through two sessions.
  void configure(store::session& session);
  bool is_strict() const noexcept { return strict_; }

  // What its dependencies keep of the store (an entity store's cache) may be
  // stale: forget what they hold of this stream (a write to it failed on its
  // expected version: another writer got there first), or everything (a
  // connection was lost: what was read may be gone from the store). The
  // consumer the handler is added to calls these before it hands a message
  // to the handler again.
  void forget(std::string_view stream_name);
  void forget_everything();
  void set_strict(bool strict) noexcept { strict_ = strict; }

  template <message M>
  bool handles() const {
    return typed_.contains(std::type_index{typeid(M)});
  }
  bool handles(std::string_view type) const { return raw_.contains(type); }

  // A typed message: its block runs, or (strict) it is an error.
  template <message M>
  void operator()(const M& message) {
    const auto block = typed_.find(std::type_index{typeid(M)});
    if (block != typed_.end()) {
      block->second(&message);
    } else if (strict_) {
      throw error{name() + " does not implement a handler for " + std::string{M::message_type} +
                  ". Cannot handle the message."};
    }
  }

  // A raw row: read as the message type registered for its type and given
  // to that block; else to the generic block; else (strict) an error.
  // Returns whether anything handled it.
  bool operator()(const store::message_data& row);

 protected:
  template <message M, class Block>
    requires(!std::is_member_function_pointer_v<std::decay_t<Block>>)
  void handle(Block&& block) {
    static_assert(std::is_invocable_v<Block&, const M&>,
                  "evt::handler: a handle<M> block must take the message (const M& or M)");
    const std::type_index type{typeid(M)};
    if (typed_.contains(type) || raw_.contains(M::message_type)) {
      throw error{std::string{M::message_type} + " is already registered (Handler: " + name() + ")"};
    }
    auto shared = std::make_shared<std::decay_t<Block>>(std::forward<Block>(block));
    typed_.emplace(type, [shared](const void* message) { (*shared)(*static_cast<const M*>(message)); });
    raw_.emplace(std::string{M::message_type}, [shared](const store::message_data& row) {
      const auto message = import_message<M>(row);
      (*shared)(message);
    });
  }

  // A member function of the derived handler as the block:
  // handle<Deposit>(&Commands::deposit).
  template <message M, class Derived>
  void handle(void (Derived::*method)(const M&)) {
    static_assert(std::is_base_of_v<handler, Derived>, "evt::handler: the method must be the handler's own");
    handle<M>([this, method](const M& message) { (static_cast<Derived*>(this)->*method)(message); });
  }

  // The fallback for rows of types without a block.
  void handle_raw(std::function<void(const store::message_data&)> block) { generic_ = std::move(block); }

 private:
  template <class T>
  friend class dependency;

  std::string name_;  // empty: the class's
  bool strict_ = false;
  struct dependency_hooks {
    const void* dependency;
    std::function<void(store::session&)> configure;
    std::function<void(std::string_view)> forget;  // a stream; null when it keeps nothing
    std::function<void()> forget_everything;
  };
  std::vector<dependency_hooks> dependencies_;
  store::session* configured_ = nullptr;
  std::map<std::type_index, std::function<void(const void*)>> typed_;
  std::map<std::string, std::function<void(const store::message_data&)>, std::less<>> raw_;
  std::function<void(const store::message_data&)> generic_;
};

}  // namespace evt
