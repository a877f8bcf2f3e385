#pragma once

#include <string>
#include <string_view>

namespace evt {

// A random (version 4) UUID in lower-case text form, as message ids are.
std::string random_uuid();

// A name-based (version 5, SHA-1) UUID of `name` in evt's own namespace:
// the same name always gives the same id (a write that must happen once).
std::string name_uuid(std::string_view name);

}  // namespace evt
