#include "api/connections.hpp"

namespace account_api {

connections::connections(const evt::store::settings& settings, std::size_t size) {
  for (std::size_t i = 0; i < size; ++i) free_.push_back(std::make_unique<connection>(settings));
}

connections::lease connections::borrow() {
  std::unique_lock lock{mutex_};
  returned_.wait(lock, [this] { return !free_.empty(); });
  auto lent = std::move(free_.back());
  free_.pop_back();
  return lease{*this, std::move(lent)};
}

void connections::give_back(std::unique_ptr<connection> connection) {
  {
    const std::lock_guard lock{mutex_};
    free_.push_back(std::move(connection));
  }
  returned_.notify_one();
}

}  // namespace account_api
