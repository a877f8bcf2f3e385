#pragma once

#include <evt/message/metadata.hpp>

#include <boost/hana.hpp>

#include <concepts>
#include <string_view>
#include <type_traits>

namespace evt {

// A message: a Boost.Hana struct (its fields are its data) with a
// message_type and a metadata member that is not one of its fields.
//
//   EVT_MESSAGE(Deposit, (std::string, deposit_id), (evt::money, amount));
//
// or by hand:
//
//   struct Deposit {
//     static constexpr std::string_view message_type = "Deposit";
//     BOOST_HANA_DEFINE_STRUCT(Deposit, (std::string, deposit_id), (evt::money, amount));
//     evt::metadata metadata{};
//   };
template <class T>
concept message = std::is_class_v<T> && boost::hana::Struct<T>::value && requires(const T& message) {
  { T::message_type } -> std::convertible_to<std::string_view>;
  { message.metadata } -> std::convertible_to<const evt::metadata&>;
};

// Messages are equal when their data is: not their ids, not their metadata.
template <message T>
bool same_data(const T& a, const T& b) {
  return boost::hana::all_of(boost::hana::accessors<T>(), [&](auto accessor) {
    return boost::hana::second(accessor)(a) == boost::hana::second(accessor)(b);
  });
}

}  // namespace evt

// Declares a message struct named after its type, with its fields (one at
// least; a message without fields is declared by hand and adapted with
// BOOST_HANA_ADAPT_STRUCT(Name)), a metadata member, and equality of data.
#define EVT_MESSAGE(name, ...)                                                     \
  struct name {                                                                    \
    static constexpr std::string_view message_type = #name;                       \
    BOOST_HANA_DEFINE_STRUCT(name, __VA_ARGS__);                                   \
    evt::metadata metadata{};                                                      \
    friend bool operator==(const name& a, const name& b) { return evt::same_data(a, b); } \
  }
