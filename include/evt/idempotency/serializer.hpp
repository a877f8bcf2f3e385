#pragma once

// How results and failures are kept in records. A serializer is a type with
// a `format` name and two static templates, serialize and deserialize (the
// latter naming `what` in its errors); these two ship, and any type of the
// same shape plugs in. Values are wrapped as {"value": ...}, so a result may
// be any type a message field may be (a string, a number, a vector, an
// optional, a Boost.Hana struct, ...).
#include <evt/error.hpp>
#include <evt/message/data_json.hpp>
#include <evt/message/msgpack_codec.hpp>

#include <boost/hana.hpp>

#include <string>
#include <string_view>

namespace evt::idempotency {

namespace detail {
template <class T>
struct boxed {
  BOOST_HANA_DEFINE_STRUCT(boxed, (T, value));
};
}  // namespace detail

// Compact binary; the default.
struct msgpack_serializer {
  static constexpr std::string_view format = "msgpack";

  template <class T>
  static std::string serialize(const T& value) {
    return to_msgpack(detail::boxed<T>{value});
  }
  template <class T>
  static T deserialize(std::string_view bytes, std::string_view what) {
    return from_msgpack<detail::boxed<T>>(bytes, what).value;
  }
};

// JSON text, as message data is written (camelCase keys): readable in the
// store.
struct json_serializer {
  static constexpr std::string_view format = "json";

  template <class T>
  static std::string serialize(const T& value) {
    return evt::detail::json_text(evt::detail::encode_struct(detail::boxed<T>{value}), "a result");
  }
  template <class T>
  static T deserialize(std::string_view text, std::string_view what) {
    const auto failure = [&](const std::string& field, const std::string& cause) {
      return error{"Cannot decode " + std::string{what} + " (Field: " + field + ", Cause: " + cause + ")"};
    };
    try {
      return evt::detail::decode_struct<detail::boxed<T>>(evt::detail::parse_json(text)).value;
    } catch (const evt::detail::field_error& problem) {
      throw failure(problem.path.empty() ? "(whole)" : problem.path, problem.what());
    } catch (const evt::detail::json::exception& problem) {
      throw failure("(whole)", problem.what());
    }
  }
};

}  // namespace evt::idempotency
