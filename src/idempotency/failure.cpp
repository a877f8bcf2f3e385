#include <evt/idempotency/manager.hpp>

#include <evt/error.hpp>

#include <cxxabi.h>

#include <cstdlib>
#include <memory>
#include <new>
#include <typeinfo>

namespace evt::idempotency {

failure failure_of(const std::exception& exception) {
  const char* mangled = typeid(exception).name();
  int status = 0;
  const std::unique_ptr<char, decltype(&std::free)> demangled{abi::__cxa_demangle(mangled, nullptr, nullptr, &status),
                                                              &std::free};
  return failure{.type = status == 0 && demangled ? demangled.get() : mangled, .message = exception.what()};
}

bool is_transient(const std::exception& error) {
  if (const auto* refused = dynamic_cast<const store_error*>(&error)) return refused->sqlstate().starts_with("40");
  return dynamic_cast<const connection_error*>(&error) != nullptr ||
         dynamic_cast<const expected_version_error*>(&error) != nullptr ||
         dynamic_cast<const operation_pending_error*>(&error) != nullptr ||
         dynamic_cast<const lease_lost_error*>(&error) != nullptr ||
         dynamic_cast<const std::bad_alloc*>(&error) != nullptr;
}

}  // namespace evt::idempotency
