#pragma once

#include "component/store.hpp"

#include <evt/store/session.hpp>
#include <evt/store/settings.hpp>

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

namespace account_api {

// The store connections of the request threads: a session (one thread at a
// time) with its accounts' entity store, lent to one request at a time. As
// many as request threads, so a request never waits for one.
class connections {
 public:
  struct connection {
    explicit connection(const evt::store::settings& settings)
        : session{settings}, accounts{account_component::build_store(session)} {}
    evt::store::session session;
    account_component::store accounts;
  };

  // Given back when destroyed.
  class lease {
   public:
    lease(connections& pool, std::unique_ptr<connection> lent) : pool_{pool}, lent_{std::move(lent)} {}
    ~lease() { pool_.give_back(std::move(lent_)); }
    lease(const lease&) = delete;
    lease& operator=(const lease&) = delete;
    connection* operator->() const noexcept { return lent_.get(); }
    connection& operator*() const noexcept { return *lent_; }

   private:
    connections& pool_;
    std::unique_ptr<connection> lent_;
  };

  connections(const evt::store::settings& settings, std::size_t size);
  lease borrow();

 private:
  void give_back(std::unique_ptr<connection> connection);

  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<connection>> free_;
};

}  // namespace account_api
