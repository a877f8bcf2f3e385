#include <evt/version.hpp>

namespace evt {

std::string_view version() noexcept { return EVT_VERSION; }

}  // namespace evt
