#include <evt/handler/handler.hpp>

#include <evt/error_kind.hpp>

#include <cstdlib>

namespace evt {
namespace {

bool strict_by_default() {
  const char* setting = std::getenv("HANDLE_STRICT");
  return setting != nullptr && std::string_view{setting} == "on";
}

}  // namespace

handler::handler() : strict_{strict_by_default()} {}

handler::handler(std::string name) : name_{std::move(name)}, strict_{strict_by_default()} {}

std::string handler::name() const {
  if (!name_.empty()) return name_;
  // The class without its namespaces (those of template arguments stay).
  const auto type = type_name(typeid(*this));
  const auto last = type.substr(0, type.find('<')).rfind("::");
  return last == std::string::npos ? type : type.substr(last + 2);
}

void handler::configure(store::session& session) {
  for (const auto& build : dependencies_) build(session);
}

bool handler::operator()(const store::message_data& row) {
  if (const auto block = raw_.find(row.type); block != raw_.end()) {
    block->second(row);
    return true;
  }
  if (generic_) {
    generic_(row);
    return true;
  }
  if (strict_) throw error{name() + " does not implement `handle'. Cannot handle message data."};
  return false;
}

}  // namespace evt
