#pragma once

#include <evt/message/metadata.hpp>

#include <boost/hana.hpp>
#include <boost/preprocessor.hpp>

#include <concepts>
#include <string>
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
// Every field type needs ==, nested structs included.
template <message T>
bool same_data(const T& a, const T& b) {
  return boost::hana::all_of(boost::hana::accessors<T>(), [&](auto accessor) {
    return boost::hana::second(accessor)(a) == boost::hana::second(accessor)(b);
  });
}

// An empty message correlated to a stream (or category): its metadata's
// correlation stream name is set.
template <message T>
T correlate(std::string stream_name) {
  T message{};
  message.metadata.correlation_stream_name = std::move(stream_name);
  return message;
}

}  // namespace evt

// Declares a message struct named after its type, with its fields (one at
// least; a message without fields is declared by hand and adapted with
// BOOST_HANA_ADAPT_STRUCT(Name)), a metadata member, and equality of data.
// Unlike BOOST_HANA_DEFINE_STRUCT, every field is value-initialised, so
// designated initialisers may leave fields out without -Wextra warnings.
// A field's type may contain commas: (std::map<std::string, int>, totals).
#define EVT_MESSAGE(name, ...)                                                                 \
  struct name {                                                                                \
    static constexpr std::string_view message_type = #name;                                   \
    BOOST_PP_SEQ_FOR_EACH(EVT_DETAIL_DECLARE_FIELD, _, BOOST_PP_VARIADIC_TO_SEQ(__VA_ARGS__))  \
    evt::metadata metadata{};                                                                  \
    friend bool operator==(const name& a, const name& b) { return evt::same_data(a, b); }     \
    struct hana_accessors_impl {                                                               \
      static constexpr auto apply() {                                                          \
        return boost::hana::make_tuple(BOOST_PP_SEQ_FOR_EACH_I(                                \
            EVT_DETAIL_FIELD_ACCESSOR, _, BOOST_PP_VARIADIC_TO_SEQ(__VA_ARGS__)));             \
      }                                                                                        \
    };                                                                                         \
  }

#define EVT_DETAIL_FIELD_NAME(field) BOOST_PP_TUPLE_ELEM(BOOST_PP_DEC(BOOST_PP_TUPLE_SIZE(field)), field)
#define EVT_DETAIL_FIELD_TYPE(field) BOOST_PP_TUPLE_ENUM(BOOST_PP_TUPLE_POP_BACK(field))
#define EVT_DETAIL_DECLARE_FIELD(r, data, field) EVT_DETAIL_FIELD_TYPE(field) EVT_DETAIL_FIELD_NAME(field){};
#define EVT_DETAIL_FIELD_ACCESSOR(r, data, index, field)                                        \
  BOOST_PP_COMMA_IF(index)                                                                     \
  boost::hana::make_pair(BOOST_HANA_STRING(BOOST_PP_STRINGIZE(EVT_DETAIL_FIELD_NAME(field))),  \
                         [](auto&& message) -> decltype(auto) {                                \
                           return (static_cast<decltype(message)&&>(message).EVT_DETAIL_FIELD_NAME(field)); \
                         })
