#pragma once

// The checks of what an operator typed, made before the store is asked.
#include <stdexcept>
#include <string_view>

namespace evt::cli {

// Arguments that cannot be right whatever the store holds: a category where
// a stream is needed, JSON that is not an object, ... (exit 2, where the
// store's refusals exit 1).
class usage_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Each throws a usage_error naming the argument and what it is.
void require_stream_name(std::string_view argument, std::string_view name);
void require_category(std::string_view argument, std::string_view name);
void require_json_object(std::string_view argument, std::string_view text);
void require_uuid(std::string_view argument, std::string_view text);

}  // namespace evt::cli
