#pragma once

#include <evt/money.hpp>
#include <evt/timestamp.hpp>

#include <boost/hana.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace account_component {

// The account entity (SPEC 7.2). sequence: the highest command sequence
// (global position of a reserved command) applied, for has_processed.
struct Account {
  BOOST_HANA_DEFINE_STRUCT(Account,
    (std::string, id),
    (std::string, customer_id),
    (evt::money, balance),
    (std::optional<evt::timestamp>, opened_time),
    (std::optional<evt::timestamp>, closed_time),
    (std::optional<std::int64_t>, sequence));

  bool is_open() const noexcept { return opened_time.has_value(); }
  bool is_closed() const noexcept { return closed_time.has_value(); }
  void deposit(evt::money amount) { balance += amount; }
  void withdraw(evt::money amount) { balance -= amount; }
  bool has_sufficient_funds(evt::money amount) const { return balance >= amount; }
  // A command at this sequence, or before it, has taken effect already.
  bool has_processed(std::int64_t message_sequence) const noexcept {
    return sequence.has_value() && *sequence >= message_sequence;
  }
};

}  // namespace account_component
