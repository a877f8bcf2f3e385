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

}  // namespace evt::cli
