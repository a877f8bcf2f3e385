#include "history.hpp"

#include <nlohmann/json.hpp>

#include <fstream>

namespace evt_checker {

std::string name_of(role role) {
  switch (role) {
    case role::valid: return "valid";
    case role::poison: return "poison";
    case role::copy_again: return "copy again";
    case role::event: return "event";
  }
  return "?";
}

std::string name_of(outcome outcome) {
  switch (outcome) {
    case outcome::acknowledged: return "acknowledged";
    case outcome::failed: return "failed";
    case outcome::unknown: return "unknown";
  }
  return "?";
}

void history::add(attempt a) {
  const std::lock_guard lock{mutex_};
  attempts_.push_back(std::move(a));
}

std::vector<attempt> history::attempts() const {
  const std::lock_guard lock{mutex_};
  return attempts_;
}

bool history::has_acknowledged(std::size_t command) const {
  const std::lock_guard lock{mutex_};
  for (const auto& a : attempts_) {
    if (a.command == command && a.outcome == outcome::acknowledged) return true;
  }
  return false;
}

void history::write(const std::string& path, clock::time_point origin) const {
  std::ofstream out{path};
  const auto ms = [&](clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t - origin).count();
  };
  for (const auto& a : attempts()) {
    nlohmann::json line{{"message_id", a.message_id}, {"stream", a.stream},       {"type", a.type},
                        {"role", name_of(a.role)},    {"writer", a.writer},       {"outcome", name_of(a.outcome)},
                        {"started_ms", ms(a.started)}, {"ended_ms", ms(a.ended)}};
    if (a.command) line["command"] = *a.command;
    if (a.position) line["position"] = *a.position;
    if (!a.error.empty()) line["error"] = a.error;
    if (!a.note.empty()) line["note"] = a.note;
    out << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  }
}

}  // namespace evt_checker
