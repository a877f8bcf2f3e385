#pragma once

// Reflected structs (messages, entities) as MessagePack, for binary payloads
// such as snapshots. Round trips are exact: a struct is a map from its C++
// field names to its values; money is its decimal text, timestamps their
// ISO 8601 text, time points integer milliseconds since the epoch (UTC), floating point numbers float64,
// absent optionals are nil.
#include <evt/clock.hpp>
#include <evt/error.hpp>
#include <evt/message/field_traits.hpp>
#include <evt/money.hpp>
#include <evt/timestamp.hpp>

#include <boost/hana.hpp>
#include <msgpack.hpp>

#include <bit>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace evt {
namespace detail::msgpack_codec {

using detail::is_optional;
using detail::is_string_map;
using detail::is_vector;

// msgpack-c's packer, and the buffer under it for what we write ourselves.
struct output {
  explicit output(msgpack::sbuffer& buffer) : buffer{buffer}, packer{buffer} {}
  msgpack::sbuffer& buffer;
  msgpack::packer<msgpack::sbuffer> packer;
};

// Always as float64, not through msgpack-c's pack_double, which writes
// whole numbers as integers (-0.0 comes back as 0) and converts 2^64 to an
// integer (undefined behaviour).
inline void pack_float64(output& out, double value) {
  const auto bits = std::bit_cast<std::uint64_t>(value);
  char bytes[9] = {static_cast<char>(0xcb)};
  for (int i = 0; i < 8; ++i) bytes[1 + i] = static_cast<char>(bits >> (56 - 8 * i));
  out.buffer.write(bytes, sizeof bytes);
}

template <class T>
void pack(output& out, const T& value) {
  if constexpr (std::is_same_v<T, money> || std::is_same_v<T, timestamp>) {
    out.packer.pack(value.to_string());
  } else if constexpr (std::is_same_v<T, time_point>) {
    out.packer.pack(static_cast<std::int64_t>(value.time_since_epoch().count()));
  } else if constexpr (is_optional<T>::value) {
    if (value) {
      pack(out, *value);
    } else {
      out.packer.pack_nil();
    }
  } else if constexpr (is_vector<T>::value) {
    out.packer.pack_array(static_cast<std::uint32_t>(value.size()));
    for (const auto& item : value) pack(out, item);
  } else if constexpr (is_string_map<T>::value) {
    out.packer.pack_map(static_cast<std::uint32_t>(value.size()));
    for (const auto& [key, item] : value) {
      out.packer.pack(key);
      pack(out, item);
    }
  } else if constexpr (boost::hana::Struct<T>::value) {
    out.packer.pack_map(static_cast<std::uint32_t>(boost::hana::value(boost::hana::size(boost::hana::accessors<T>()))));
    boost::hana::for_each(boost::hana::accessors<T>(), [&](auto accessor) {
      out.packer.pack(std::string_view{boost::hana::to<const char*>(boost::hana::first(accessor))});
      pack(out, boost::hana::second(accessor)(value));
    });
  } else if constexpr (std::is_floating_point_v<T>) {
    static_assert(!std::is_same_v<T, long double>, "evt: MessagePack has no long double; use double");
    pack_float64(out, static_cast<double>(value));
  } else {
    static_assert(std::is_arithmetic_v<T> || std::is_same_v<T, std::string>,
                  "evt: a MessagePack field must be a string, number, bool, evt::money, evt::timestamp, evt::time_point, "
                  "std::optional, std::vector, std::map<std::string, T> or a Boost.Hana struct");
    out.packer.pack(value);
  }
}

// Errors carry the field path, built on the way out.
struct field_error {
  std::string path;
  std::string cause;
};

template <class T>
T unpack(const msgpack::object& object) {
  if constexpr (is_optional<T>::value) {
    if (object.is_nil()) return std::nullopt;
    return unpack<typename T::value_type>(object);
  } else if constexpr (is_vector<T>::value) {
    if (object.type != msgpack::type::ARRAY) throw field_error{"", "expected an array"};
    T result;
    for (std::uint32_t i = 0; i < object.via.array.size; ++i) {
      try {
        result.push_back(unpack<typename T::value_type>(object.via.array.ptr[i]));
      } catch (field_error& error) {
        error.path = "[" + std::to_string(i) + "]" + error.path;
        throw;
      }
    }
    return result;
  } else if constexpr (is_string_map<T>::value || boost::hana::Struct<T>::value) {
    if (object.type != msgpack::type::MAP) throw field_error{"", "expected a map"};
    std::map<std::string_view, const msgpack::object*> entries;
    for (std::uint32_t i = 0; i < object.via.map.size; ++i) {
      const auto& key = object.via.map.ptr[i].key;
      if (key.type != msgpack::type::STR) throw field_error{"", "expected string keys"};
      entries.emplace(std::string_view{key.via.str.ptr, key.via.str.size}, &object.via.map.ptr[i].val);
    }
    const auto within = [](field_error& error, std::string_view name) {
      error.path = std::string{name} + (error.path.empty() || error.path.front() == '[' ? "" : ".") + error.path;
    };
    T result{};
    if constexpr (is_string_map<T>::value) {
      for (const auto& [key, value] : entries) {
        try {
          result.emplace(std::string{key}, unpack<typename T::mapped_type>(*value));
        } catch (field_error& error) {
          within(error, key);
          throw;
        }
      }
    } else {
      boost::hana::for_each(boost::hana::accessors<T>(), [&](auto accessor) {
        using field_type = std::remove_cvref_t<decltype(boost::hana::second(accessor)(result))>;
        const std::string_view name = boost::hana::to<const char*>(boost::hana::first(accessor));
        const auto found = entries.find(name);
        if (found == entries.end()) {
          if constexpr (is_optional<field_type>::value) return;
          throw field_error{std::string{name}, "missing"};
        }
        try {
          boost::hana::second(accessor)(result) = unpack<field_type>(*found->second);
        } catch (field_error& error) {
          within(error, name);
          throw;
        }
      });
    }
    return result;
  } else {
    try {
      if constexpr (std::is_same_v<T, money>) {
        return money::parse(object.as<std::string>());
      } else if constexpr (std::is_same_v<T, timestamp>) {
        return timestamp::parse(object.as<std::string>());
      } else if constexpr (std::is_same_v<T, time_point>) {
        return time_point{std::chrono::milliseconds{object.as<std::int64_t>()}};
      } else {
        return object.as<T>();
      }
    } catch (const std::exception& error) {
      throw field_error{"", error.what()};
    }
  }
}

}  // namespace detail::msgpack_codec

template <class T>
std::string to_msgpack(const T& value) {
  static_assert(boost::hana::Struct<T>::value, "evt::to_msgpack takes a Boost.Hana struct");
  msgpack::sbuffer buffer;
  detail::msgpack_codec::output out{buffer};
  detail::msgpack_codec::pack(out, value);
  return std::string{buffer.data(), buffer.size()};
}

// What to_msgpack wrote, read back; anything else is an evt::error naming
// the field. `what` names the payload in errors (e.g. a snapshot's stream).
template <class T>
T from_msgpack(std::string_view bytes, std::string_view what = "MessagePack payload") {
  static_assert(boost::hana::Struct<T>::value, "evt::from_msgpack makes a Boost.Hana struct");
  const auto failure = [&](const std::string& field, const std::string& cause) {
    return error{"Cannot decode " + std::string{what} + " (Field: " + (field.empty() ? "(whole)" : field) +
                 ", Cause: " + cause + ")"};
  };
  // No container or string can claim more elements than there are bytes,
  // so hostile sizes are refused before anything is allocated for them.
  const auto most = static_cast<std::size_t>(bytes.size());
  const msgpack::unpack_limit limit{most, most, most, most, most, 64};
  msgpack::object_handle handle;
  std::size_t offset = 0;
  try {
    handle = msgpack::unpack(bytes.data(), bytes.size(), offset, nullptr, nullptr, limit);
  } catch (const std::exception& error) {
    throw failure("", error.what());
  }
  if (offset != bytes.size()) throw failure("", "trailing bytes after the payload");
  try {
    return detail::msgpack_codec::unpack<T>(handle.get());
  } catch (const detail::msgpack_codec::field_error& error) {
    throw failure(error.path, error.cause);
  }
}

}  // namespace evt
