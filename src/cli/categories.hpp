#pragma once

// Finding what is in the store, for the commands that look at every
// consumer or every parked message.
#include <evt/store/session.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace evt::cli {

// Every category with a message, in order: one probe of the
// messages_category index per category, however many messages they hold.
std::vector<std::string> categories(store::session& session);

// Every stream of a category that has a message, in order.
std::vector<std::string> stream_names(store::session& session, std::string_view category);

// The streams the library writes for operators are named with a compound
// type after the category's own: "account:position", "account:command+position",
// "account:command+deadLetter". Whether a category has that type, and the
// category without it (the one read, or parked from).
bool has_type(std::string_view category, std::string_view type);
std::string without_type(std::string_view category, std::string_view type);

}  // namespace evt::cli
