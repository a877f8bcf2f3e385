#include <evt/idempotency/manager.hpp>

#include <evt/error.hpp>
#include <evt/error_kind.hpp>

#include <new>

namespace evt::idempotency {

failure failure_of(const std::exception& exception) {
  return failure{.type = class_name_of(exception), .message = exception.what()};
}

bool is_transient(const std::exception& error) {
  const auto kind = kind_of(error);
  return kind == error_kind::transient || kind == error_kind::conflict || dynamic_cast<const operation_pending_error*>(&error) != nullptr ||
         dynamic_cast<const lease_lost_error*>(&error) != nullptr ||
         dynamic_cast<const std::bad_alloc*>(&error) != nullptr;
}

}  // namespace evt::idempotency
