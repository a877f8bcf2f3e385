#pragma once

#include <string>

namespace evt {

// A random (version 4) UUID in lower-case text form, as message ids are.
std::string random_uuid();

}  // namespace evt
