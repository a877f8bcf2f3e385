#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

// Stream names, as Eventide and Message DB read them:
//
//   stream_name := category [ "-" id ]          split at the first '-' only
//   category    := entity_name [ ":" type ( "+" type )* ]
//   id          := id_part ( "+" id_part )*      the first part is the cardinal id
//
// A name without '-' is a category. Ids may contain '-' (UUIDs do).
namespace evt {

// Reading a name never fails; the parts are views into the name.
std::string_view category(std::string_view stream_name) noexcept;
bool is_category(std::string_view stream_name) noexcept;
std::optional<std::string_view> id(std::string_view stream_name) noexcept;
std::vector<std::string_view> ids(std::string_view stream_name);
std::optional<std::string_view> cardinal_id(std::string_view stream_name) noexcept;
// The category's type list ("command" in "account:command"), if any.
std::optional<std::string_view> category_type(std::string_view stream_name) noexcept;
std::vector<std::string_view> category_types(std::string_view stream_name);
// The category without its types ("account" in "account:command-1").
std::string_view entity_name(std::string_view stream_name) noexcept;

// Composing a name checks its parts: an empty category, a '-' in the
// category or a type, and an empty id or id part are stream_name_errors
// that name the input.
using id_list = std::span<const std::string_view>;
using type_list = std::span<const std::string_view>;

std::string stream_name(std::string_view category, std::string_view id, type_list types = {});
std::string stream_name(std::string_view category, id_list ids, type_list types = {});
// The category itself, with types: "account:command".
std::string category_stream_name(std::string_view category, type_list types = {});
// "account:command-1": the types start with "command".
std::string command_stream_name(std::string_view category, std::string_view id, type_list types = {});
std::string command_category_stream_name(std::string_view category, type_list types = {});

}  // namespace evt
