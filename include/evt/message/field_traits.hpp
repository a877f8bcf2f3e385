#pragma once

// Internal: the field shapes the codecs know.
#include <map>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace evt::detail {

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

template <class T>
struct is_vector : std::false_type {};
template <class T>
struct is_vector<std::vector<T>> : std::true_type {};

template <class T>
struct is_string_map : std::false_type {};
template <class T>
struct is_string_map<std::map<std::string, T>> : std::true_type {};

}  // namespace evt::detail
