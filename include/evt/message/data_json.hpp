#pragma once

// Message data to and from the JSON Eventide stores (SPEC 2.5, 11): every
// field written (absent optionals as null) under its camelCase key; read by
// key (order does not matter, unknown keys are ignored), snake_cased back.
#include <evt/clock.hpp>
#include <evt/error.hpp>
#include <evt/message/casing.hpp>
#include <evt/message/field_traits.hpp>
#include <evt/money.hpp>
#include <evt/timestamp.hpp>

#include <boost/hana.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <string_view>
#include <utility>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace evt::detail {

using json = nlohmann::json;

// A field that cannot be read: where it is (built on the way out, so that
// reading pays nothing for paths) and why.
struct field_error : std::runtime_error {
  explicit field_error(const std::string& cause, std::string path = {})
      : std::runtime_error{cause}, path{std::move(path)} {}
  // "name" before "inner" gives "name.inner"; an index gives "name[2]".
  field_error within(const std::string& outer) const {
    const bool index = !path.empty() && path.front() == '[';
    return field_error{what(), path.empty() ? outer : outer + (index ? "" : ".") + path};
  }
  std::string path;
};

// Numbers held exactly. nlohmann keeps a JSON number with a fraction or an
// exponent, or an integer beyond 64 bits, only as a double, so "4.0",
// "0.30000000000000004" (fine) and "0.1000000000000000055511151231257827"
// (rounded) could not be read and written back digit for digit. Parsed
// data holds such a number as a binary value of this subtype whose bytes
// are the number's text; json_text writes it back as that number.
inline constexpr std::uint8_t exact_number_subtype = 0x65;
json exact_number(std::string_view text);
bool is_exact_number(const json& value) noexcept;
std::string exact_number_text(const json& value);
// The double nearest to a JSON number's text, whatever the process's locale
// (std::stod reads "11.5" as 11 where the decimal point is a comma).
double double_of(std::string_view text);
// A value as error messages show it: exact numbers as their text.
std::string shown(const json& value);

// The text of `value` (exact numbers as written); a string in it that is
// not valid UTF-8 (which JSON cannot hold, nor PostgreSQL store) is an
// evt::error naming `what`.
std::string json_text(const json& value, const std::string& what);

// Stored JSON, parsed: numbers with a fraction or beyond 64 bits exact
// (above), or as doubles where that is all the reader wants (metadata
// properties). Copying, printing and reading a value recurse into it, so
// nesting deeper than this is refused (a json::parse_error) rather than
// letting one stored message exhaust the stack.
inline constexpr int max_json_depth = 512;
enum class numbers { exact, as_doubles };
json parse_json(std::string_view text, numbers numbers = numbers::exact);

json money_json(const money& amount);
money money_from_json(const json& value);

// A struct's field names and their stored keys, worked out once per type.
template <class T>
struct field_keys {
  static const field_keys& get() {
    static const field_keys keys = [] {
      field_keys result;
      boost::hana::for_each(boost::hana::accessors<T>(), [&](auto accessor) {
        result.names.emplace_back(boost::hana::to<const char*>(boost::hana::first(accessor)));
        result.keys.push_back(camel_case(result.names.back()));
      });
      return result;
    }();
    return keys;
  }
  std::vector<std::string> names;
  std::vector<std::string> keys;
};

template <class T>
json encode(const T& value);

template <class T>
json encode_struct(const T& value) {
  const auto& keys = field_keys<T>::get().keys;
  json object = json::object();
  std::size_t index = 0;
  boost::hana::for_each(boost::hana::accessors<T>(), [&](auto accessor) {
    object[keys[index++]] = encode(boost::hana::second(accessor)(value));
  });
  return object;
}

template <class T>
json encode(const T& value) {
  if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, bool>) {
    return value;
  } else if constexpr (std::is_floating_point_v<T>) {
    // JSON has no NaN or infinity: it would be written as null and not read back.
    if (!std::isfinite(value)) throw error{"A number field is not finite: JSON has no NaN or infinity"};
    return value;
  } else if constexpr (std::is_unsigned_v<T>) {
    return static_cast<std::uint64_t>(value);
  } else if constexpr (std::is_integral_v<T>) {
    return static_cast<std::int64_t>(value);
  } else if constexpr (std::is_same_v<T, money>) {
    return money_json(value);
  } else if constexpr (std::is_same_v<T, time_point>) {
    return iso8601(value);
  } else if constexpr (std::is_same_v<T, timestamp>) {
    return value.to_string();
  } else if constexpr (is_optional<T>::value) {
    return value ? encode(*value) : json(nullptr);
  } else if constexpr (is_vector<T>::value) {
    json array = json::array();
    for (const auto& item : value) array.push_back(encode(item));
    return array;
  } else if constexpr (is_string_map<T>::value) {
    // Keys are camel-cased on the way in and snake-cased on the way out, as
    // Ruby Eventide does with hash keys: a key that would not come back as
    // it is ("account-1", "someKey") is refused rather than corrupted.
    json object = json::object();
    for (const auto& [key, item] : value) {
      auto stored = camel_case(key);
      if (snake_case(stored) != key) {
        throw error{"Map key would not read back the same from JSON (Key: " + key + ")"};
      }
      object[std::move(stored)] = encode(item);
    }
    return object;
  } else {
    static_assert(boost::hana::Struct<T>::value,
                  "evt: a message field must be a string, integer, bool, double, evt::money, evt::timestamp, "
                  "evt::time_point, "
                  "std::optional, std::vector, std::map<std::string, T> or a Boost.Hana struct");
    return encode_struct(value);
  }
}

template <class T>
T decode(const json& value);

template <class T>
T decode_struct(const json& object) {
  if (!object.is_object()) throw field_error{"expected a JSON object"};
  const auto& fields = field_keys<T>::get();
  T result{};
  std::size_t index = 0;
  boost::hana::for_each(boost::hana::accessors<T>(), [&](auto accessor) {
    using field_type = std::remove_cvref_t<decltype(boost::hana::second(accessor)(result))>;
    const auto& name = fields.names[index];
    auto found = object.find(fields.keys[index++]);
    // Stored keys are snake-cased to find their field: camelCase is the
    // usual form, but "deposit_id" or "deposit-id" read too.
    if (found == object.end()) {
      for (auto key = object.begin(); key != object.end(); ++key) {
        if (snake_case(key.key()) == name) found = key;
      }
    }
    if (found == object.end()) {
      if constexpr (is_optional<field_type>::value) return;
      throw field_error{"missing", name};
    }
    try {
      boost::hana::second(accessor)(result) = decode<field_type>(*found);
    } catch (const field_error& error) {
      throw error.within(name);
    }
  });
  return result;
}

template <class T>
T decode(const json& value) {
  if constexpr (is_optional<T>::value) {
    if (value.is_null()) return std::nullopt;
    return decode<typename T::value_type>(value);
  } else if constexpr (is_vector<T>::value) {
    if (!value.is_array()) throw field_error{"expected a JSON array"};
    T result;
    result.reserve(value.size());
    for (std::size_t i = 0; i < value.size(); ++i) {
      try {
        result.push_back(decode<typename T::value_type>(value[i]));
      } catch (const field_error& error) {
        throw error.within("[" + std::to_string(i) + "]");
      }
    }
    return result;
  } else if constexpr (is_string_map<T>::value) {
    if (!value.is_object()) throw field_error{"expected a JSON object"};
    T result;
    for (const auto& [key, item] : value.items()) {
      try {
        result.emplace(snake_case(key), decode<typename T::mapped_type>(item));
      } catch (const field_error& error) {
        throw error.within(key);
      }
    }
    return result;
  } else if constexpr (boost::hana::Struct<T>::value) {
    return decode_struct<T>(value);
  } else {
    try {
      if constexpr (std::is_same_v<T, money>) {
        return money_from_json(value);
      } else if constexpr (std::is_same_v<T, time_point> || std::is_same_v<T, timestamp>) {
        if (!value.is_string()) throw std::runtime_error{"expected a time string, not " + shown(value)};
        if constexpr (std::is_same_v<T, time_point>) return parse_iso8601(value.get_ref<const std::string&>());
        else return timestamp::parse(value.get_ref<const std::string&>());
      } else if constexpr (std::is_same_v<T, bool>) {
        if (!value.is_boolean()) throw std::runtime_error{"expected true or false, not " + shown(value)};
        return value.get<bool>();
      } else if constexpr (std::is_integral_v<T>) {
        if (!value.is_number_integer()) {
          const bool whole = is_exact_number(value) && exact_number_text(value).find_first_of(".eE") == std::string::npos;
          throw std::runtime_error{(whole ? "integer out of range: " : "expected an integer, not ") + shown(value)};
        }
        const bool fits = value.is_number_unsigned() ? std::in_range<T>(value.get<std::uint64_t>())
                                                     : std::in_range<T>(value.get<std::int64_t>());
        if (!fits) throw std::runtime_error{"integer out of range: " + shown(value)};
        return value.get<T>();
      } else if constexpr (std::is_floating_point_v<T>) {
        if (is_exact_number(value)) return static_cast<T>(double_of(exact_number_text(value)));
        if (!value.is_number()) throw std::runtime_error{"expected a number, not " + shown(value)};
        return value.get<T>();
      } else {
        if (!value.is_string()) throw std::runtime_error{"expected a string, not " + shown(value)};
        return value.get<std::string>();
      }
    } catch (const std::exception& error) {
      throw field_error{error.what()};
    }
  }
}

}  // namespace evt::detail
