#include <evt/error_kind.hpp>

#include <evt/error.hpp>

#include <cxxabi.h>

#include <cstdlib>
#include <memory>
#include <string_view>
#include <typeinfo>

namespace evt {

error_kind kind_of(const std::exception& error) noexcept {
  if (const auto* refused = dynamic_cast<const store_error*>(&error)) {
    const std::string_view sqlstate = refused->sqlstate();
    if (sqlstate.starts_with("40") || sqlstate == "23505" || sqlstate == "23P01" || sqlstate == "23503" ||
        sqlstate == "55P03" || sqlstate == "57014") {
      return error_kind::conflict;
    }
    // A pooler's words for a server connection it lost (08P01 "server conn
    // crashed?"): the client's connection survives, the server went away.
    if (sqlstate.starts_with("08") || sqlstate.starts_with("53") || sqlstate.starts_with("57P")) {
      return error_kind::transient;
    }
    if (sqlstate.starts_with("22") || sqlstate.starts_with("23") || sqlstate.starts_with("54")) return error_kind::poison;
    return error_kind::other;
  }
  if (dynamic_cast<const connection_error*>(&error) != nullptr) return error_kind::transient;
  if (dynamic_cast<const expected_version_error*>(&error) != nullptr) return error_kind::conflict;
  if (dynamic_cast<const decode_error*>(&error) != nullptr || dynamic_cast<const reservation_error*>(&error) != nullptr ||
      dynamic_cast<const stream_name_error*>(&error) != nullptr ||
      dynamic_cast<const invalid_message_error*>(&error) != nullptr) {
    return error_kind::poison;
  }
  return error_kind::other;
}

error_kind kind_of_current_exception() noexcept {
  const auto* error = current_exception_as<std::exception>();
  return error != nullptr ? kind_of(*error) : error_kind::other;
}

std::string type_name(const std::type_info& type) {
  int status = 0;
  const std::unique_ptr<char, void (*)(void*)> readable{abi::__cxa_demangle(type.name(), nullptr, nullptr, &status),
                                                        std::free};
  return status == 0 && readable ? readable.get() : type.name();
}

std::string class_name_of(const std::exception& error) { return type_name(typeid(error)); }

std::string class_name_of_current_exception() {
  const auto* type = abi::__cxa_current_exception_type();
  return type == nullptr ? "unknown" : type_name(*type);
}

std::string message_of_current_exception() {
  const auto* error = current_exception_as<std::exception>();
  return error != nullptr ? error->what() : "(not a std::exception)";
}

}  // namespace evt
