#include <evt/stream_name.hpp>

#include <evt/error.hpp>

namespace evt {
namespace {

constexpr char id_separator = '-';
constexpr char part_separator = '+';
constexpr char type_separator = ':';

// As Ruby's String#split: trailing empty parts are dropped.
std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  for (;;) {
    const auto end = text.find(separator);
    parts.push_back(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  while (!parts.empty() && parts.back().empty()) parts.pop_back();
  return parts;
}

std::optional<std::string_view> unless_empty(std::string_view text) {
  if (text.empty()) return std::nullopt;
  return text;
}

std::string joined(id_list parts, char separator) {
  std::string text;
  for (const auto part : parts) {
    if (!text.empty()) text += separator;
    text += part;
  }
  return text;
}

std::string described(std::string_view category, id_list ids, type_list types) {
  std::string text = "(Category: " + std::string{category};
  if (!types.empty()) text += ", Types: " + joined(types, ',');
  if (!ids.empty()) text += ", IDs: " + joined(ids, ',');
  return text + ")";
}

// The category with its types, checked.
std::string category_with_types(std::string_view category, type_list types, id_list ids) {
  const auto reject = [&](std::string_view sentence) {
    throw stream_name_error{std::string{sentence} + " " + described(category, ids, types)};
  };
  if (category.empty()) reject("Category must not be omitted from stream name");
  if (category.find(id_separator) != std::string_view::npos) reject("Category must not contain a dash");
  for (const auto type : types) {
    if (type.empty()) reject("Type must not be empty");
    if (type.find(id_separator) != std::string_view::npos) reject("Type must not contain a dash");
    if (type.find_first_of("+:") != std::string_view::npos) reject("Type must not contain '+' or ':'");
  }
  for (const auto part : ids) {
    if (part.empty()) reject("ID must not be omitted from stream name");
    if (part.find(part_separator) != std::string_view::npos) reject("ID must not contain '+'");
  }

  std::string name{category};
  if (!types.empty()) name += type_separator + joined(types, part_separator);
  return name;
}

std::vector<std::string_view> with_command(type_list types) {
  std::vector<std::string_view> all{"command"};
  all.insert(all.end(), types.begin(), types.end());
  return all;
}

}  // namespace

std::string_view category(std::string_view stream_name) noexcept {
  return stream_name.substr(0, stream_name.find(id_separator));
}

bool is_category(std::string_view stream_name) noexcept {
  return stream_name.find(id_separator) == std::string_view::npos;
}

// Eventide's client reads "someStream-" as having no id (the SQL id()
// function says '').
std::optional<std::string_view> id(std::string_view stream_name) noexcept {
  const auto separator = stream_name.find(id_separator);
  if (separator == std::string_view::npos) return std::nullopt;
  return unless_empty(stream_name.substr(separator + 1));
}

std::vector<std::string_view> ids(std::string_view stream_name) {
  const auto whole = id(stream_name);
  if (!whole) return {};
  return split(*whole, part_separator);
}

std::optional<std::string_view> cardinal_id(std::string_view stream_name) noexcept {
  const auto whole = id(stream_name);
  if (!whole) return std::nullopt;
  return unless_empty(whole->substr(0, whole->find(part_separator)));
}

std::optional<std::string_view> category_type(std::string_view stream_name) noexcept {
  auto name = category(stream_name);
  const auto start = name.find(type_separator);
  if (start == std::string_view::npos) return std::nullopt;
  name.remove_prefix(start + 1);
  return unless_empty(name.substr(0, name.find(type_separator)));
}

std::vector<std::string_view> category_types(std::string_view stream_name) {
  const auto types = category_type(stream_name);
  if (!types) return {};
  return split(*types, part_separator);
}

std::string_view entity_name(std::string_view stream_name) noexcept {
  const auto name = category(stream_name);
  return name.substr(0, name.find(type_separator));
}

std::string stream_name(std::string_view category, std::string_view id, type_list types) {
  const std::string_view parts[] = {id};
  return stream_name(category, parts, types);
}

std::string stream_name(std::string_view category, id_list ids, type_list types) {
  if (ids.empty()) {
    throw stream_name_error{"ID must not be omitted from stream name " + described(category, ids, types)};
  }
  return category_with_types(category, types, ids) + id_separator + joined(ids, part_separator);
}

std::string category_stream_name(std::string_view category, type_list types) {
  return category_with_types(category, types, {});
}

std::string command_stream_name(std::string_view category, std::string_view id, type_list types) {
  if (id.empty()) {
    throw stream_name_error{"ID must not be omitted from command stream name (Category: " + std::string{category} + ")"};
  }
  return stream_name(category, id, with_command(types));
}

std::string command_category_stream_name(std::string_view category, type_list types) {
  return category_stream_name(category, with_command(types));
}

}  // namespace evt
