#include <evt/handler/handler.hpp>

#include <cstdlib>

namespace evt {
namespace {

bool strict_by_default() {
  const char* setting = std::getenv("HANDLE_STRICT");
  return setting != nullptr && std::string_view{setting} == "on";
}

}  // namespace

handler::handler(std::string name) : name_{std::move(name)}, strict_{strict_by_default()} {}

bool handler::operator()(const store::message_data& row) {
  if (const auto block = raw_.find(row.type); block != raw_.end()) {
    block->second(row);
    return true;
  }
  if (generic_) {
    generic_(row);
    return true;
  }
  if (strict_) throw error{name_ + " does not implement `handle'. Cannot handle message data."};
  return false;
}

}  // namespace evt
