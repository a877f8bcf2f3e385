#include <evt/idempotency/manager.hpp>

#include <cxxabi.h>

#include <cstdlib>
#include <memory>
#include <typeinfo>

namespace evt::idempotency {

failure failure_of(const std::exception& exception) {
  const char* mangled = typeid(exception).name();
  int status = 0;
  const std::unique_ptr<char, decltype(&std::free)> demangled{abi::__cxa_demangle(mangled, nullptr, nullptr, &status),
                                                              &std::free};
  return failure{.type = status == 0 && demangled ? demangled.get() : mangled, .message = exception.what()};
}

}  // namespace evt::idempotency
