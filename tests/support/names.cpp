#include "support/names.hpp"

#include <evt/controls.hpp>

namespace evt::test {

std::string unique_category(std::string_view prefix) { return controls::category(prefix); }

std::string unique_id() { return controls::id(); }

std::string stream_name(std::string_view category, std::string_view id) {
  return std::string{category} + "-" + std::string{id};
}

std::string unique_stream_name(std::string_view prefix) {
  return stream_name(unique_category(prefix), unique_id());
}

}  // namespace evt::test
