#pragma once

#include "support/database.hpp"
#include "support/names.hpp"

#include <string>

namespace evt::test {

// A table of the application's own (id text PRIMARY KEY, balance int) in the
// database under test, which the message_store role may write; dropped at
// the end of the test.
struct application_table {
  database owner{conninfo_as("postgres")};
  std::string name = "accounts_" + unique_id().substr(0, 8);

  application_table() {
    owner.sql("CREATE TABLE public." + name + " (id text PRIMARY KEY, balance int)");
    owner.sql("GRANT SELECT, INSERT, UPDATE, DELETE ON public." + name + " TO message_store");
  }
  ~application_table() { owner.sql("DROP TABLE public." + name); }
  application_table(const application_table&) = delete;
  application_table& operator=(const application_table&) = delete;

  int rows() { return owner.sql("SELECT count(*) FROM public." + name)[0][0].as<int>(); }
};

}  // namespace evt::test
