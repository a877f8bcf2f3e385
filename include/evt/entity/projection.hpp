#pragma once

#include <evt/message/conversion.hpp>
#include <evt/store/message_data.hpp>

#include <functional>
#include <map>
#include <string>
#include <type_traits>
#include <utility>

namespace evt {

// How events change an entity (SPEC 6): one apply block per event type.
// Rows of other types leave the entity as it is.
//
//   evt::projection<Account> projection;
//   projection.apply<Deposited>([](Account& account, const Deposited& deposited) {
//     account.balance += deposited.amount;
//   });
template <class Entity>
class projection {
 public:
  template <message M, class Block>
  projection& apply(Block&& block) {
    static_assert(std::is_invocable_v<Block&, Entity&, const M&>,
                  "evt::projection: an apply<M> block takes (Entity&, const M&)");
    if (blocks_.contains(std::string{M::message_type})) {
      throw error{std::string{M::message_type} + " is already applied by this projection"};
    }
    blocks_.emplace(std::string{M::message_type},
                    [block = std::forward<Block>(block)](Entity& entity, const store::message_data& row) {
                      block(entity, import_message<M>(row));
                    });
    return *this;
  }

  // A typed event, as it would be read back from the store (for tests).
  template <message M>
  bool operator()(Entity& entity, const M& event) const {
    const auto stored = export_message(event);
    return (*this)(entity, store::message_data{.type = stored.type, .data = stored.data, .metadata = stored.metadata});
  }

  // Applies the row when its type has a block; returns whether it did.
  bool operator()(Entity& entity, const store::message_data& row) const {
    const auto block = blocks_.find(row.type);
    if (block == blocks_.end()) return false;
    block->second(entity, row);
    return true;
  }

 private:
  std::map<std::string, std::function<void(Entity&, const store::message_data&)>, std::less<>> blocks_;
};

}  // namespace evt
