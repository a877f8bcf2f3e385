#pragma once

#include <string_view>

namespace evt {

// The evt-cpp release this library was built as.
std::string_view version() noexcept;

// The Message DB interface that message_db/ implements and evt-cpp speaks:
// the value of message_store.message_store_version().
inline constexpr std::string_view message_db_version = "1.3.0";

}  // namespace evt
