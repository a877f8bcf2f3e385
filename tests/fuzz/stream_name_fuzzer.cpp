// Stream names (include/evt/stream_name.hpp): reading any text never fails
// and agrees with itself; composing the parts read back gives the name again
// when the name follows the grammar, and otherwise is at most a
// stream_name_error.
#include <evt/error.hpp>
#include <evt/stream_name.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

void check(bool condition, const char* what, std::string_view name) {
  if (condition) return;
  std::fprintf(stderr, "stream name property broken: %s (Stream Name: %.*s)\n", what, static_cast<int>(name.size()),
               name.data());
  std::abort();
}

std::string joined(const std::vector<std::string_view>& parts, char separator) {
  std::string text;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) text += separator;
    text += parts[i];
  }
  return text;
}

// The grammar of the header (SPEC 3.1), strictly: a non-empty entity name
// without ':', then optionally ":" and non-empty types without '+' ':' '-'
// (split on '+'), then optionally "-" and non-empty id parts (split on '+').
bool is_well_formed(std::string_view name) {
  const auto dash = name.find('-');
  const auto category = name.substr(0, dash);
  const auto colon = category.find(':');
  const auto entity = category.substr(0, colon);
  if (entity.empty()) return false;
  if (colon != std::string_view::npos) {
    auto types = category.substr(colon + 1);
    if (types.find(':') != std::string_view::npos) return false;
    for (;;) {
      const auto plus = types.find('+');
      if (types.substr(0, plus).empty()) return false;
      if (plus == std::string_view::npos) break;
      types.remove_prefix(plus + 1);
    }
  }
  if (dash != std::string_view::npos) {
    auto id = name.substr(dash + 1);
    for (;;) {
      const auto plus = id.find('+');
      if (id.substr(0, plus).empty()) return false;
      if (plus == std::string_view::npos) break;
      id.remove_prefix(plus + 1);
    }
  }
  return true;
}

// Composes a name from parts read out of `name`; nullopt when composing
// refuses them (which it may only do with a stream_name_error).
std::optional<std::string> composed(std::string_view entity, const std::vector<std::string_view>& types,
                                    const std::vector<std::string_view>& ids, bool has_id) {
  try {
    if (has_id) return evt::stream_name(entity, ids, types);
    return evt::category_stream_name(entity, types);
  } catch (const evt::stream_name_error&) {
    return std::nullopt;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(bytes), size);
  const std::string_view name = text;

  // Reading: never throws (ids/category_types allocate, nothing else).
  const auto category = evt::category(name);
  const bool is_category = evt::is_category(name);
  const auto id = evt::id(name);
  const auto ids = evt::ids(name);
  const auto cardinal_id = evt::cardinal_id(name);
  const auto type = evt::category_type(name);
  const auto types = evt::category_types(name);
  const auto entity = evt::entity_name(name);

  // The parts are views into the name and agree with each other.
  check(name.substr(0, category.size()) == category, "category is a prefix", name);
  check(category.find('-') == std::string_view::npos, "category has no dash", name);
  check(is_category == (category.size() == name.size()), "is_category iff the category is the whole name", name);
  check(category.substr(0, entity.size()) == entity, "entity name is a prefix of the category", name);
  check(entity.find(':') == std::string_view::npos, "entity name has no colon", name);
  if (id) {
    check(!id->empty() && name.substr(name.size() - id->size()) == *id, "id is the non-empty end", name);
    check(!is_category, "a name with an id is no category", name);
    check(joined(ids, '+') == id->substr(0, joined(ids, '+').size()), "ids are the id split on '+'", name);
  } else {
    check(ids.empty() && !cardinal_id, "no id, no ids", name);
  }
  if (cardinal_id) check(!ids.empty() && ids.front() == *cardinal_id, "cardinal id is the first id", name);
  if (type) {
    check(!type->empty() && type->find(':') == std::string_view::npos, "type is non-empty, colon-free", name);
    check(joined(types, '+') == type->substr(0, joined(types, '+').size()), "types are the type split on '+'", name);
  } else {
    check(types.empty(), "no type, no types", name);
  }

  // Composing the parts read: a stream_name_error or a name that reads back
  // as the same parts; for a well-formed name, the name itself.
  const auto again = composed(entity, types, ids, id.has_value());
  if (is_well_formed(name)) {
    check(again.has_value(), "a well-formed name composes from its parts", name);
    check(*again == name, "a well-formed name composes back to itself", name);
  }
  if (again) {
    check(is_well_formed(*again), "what composes is well-formed", *again);
    check(evt::entity_name(*again) == entity, "recomposed entity name", name);
    check(evt::category_types(*again) == types, "recomposed types", name);
    check(evt::ids(*again) == ids, "recomposed ids", name);
  }

  // The command helpers refuse with stream_name_error only, and what they
  // compose starts its types with "command".
  try {
    const auto command =
        id ? evt::command_stream_name(entity, *id, types) : evt::command_category_stream_name(entity, types);
    const auto command_types = evt::category_types(command);
    check(!command_types.empty() && command_types.front() == "command", "a command stream's first type", command);
    check(evt::entity_name(command) == entity, "a command stream's entity name", command);
  } catch (const evt::stream_name_error&) {
  }
  return 0;
}
