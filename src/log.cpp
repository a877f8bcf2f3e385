#include <evt/log.hpp>

#include <iostream>

namespace evt {

void log_or_stderr(const log_sink& sink, const std::string& line) {
  if (sink) {
    sink(line);
  } else {
    std::cerr << line << '\n';
  }
}

}  // namespace evt
