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
  // The class without its namespaces: after the last "::" outside template
  // arguments and function parameters (a class local to a function).
  const auto type = type_name(typeid(*this));
  int depth = 0;
  for (auto at = type.size(); at > 1; --at) {
    const char c = type[at - 1];
    if (c == '>' || c == ')') ++depth;
    if (c == '<' || c == '(') --depth;
    if (depth == 0 && c == ':' && type[at - 2] == ':') return type.substr(at);
  }
  return type;
}

void handler::configure(store::session& session) {
  if (configured_ == &session) return;
  if (configured_ != nullptr) {
    throw error{"Handler " + name() + " is configured with another session already; a handler runs in one consumer's session"};
  }
  for (const auto& hooks : dependencies_) hooks.configure(session);
  configured_ = &session;
}

void handler::forget(std::string_view stream_name) {
  for (const auto& hooks : dependencies_) {
    if (hooks.forget) hooks.forget(stream_name);
  }
}

void handler::forget_everything() {
  for (const auto& hooks : dependencies_) {
    if (hooks.forget_everything) hooks.forget_everything();
  }
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
