#pragma once

#include <string>

namespace evt::store {

struct settings {
  // A libpq connection string ("host=/run/pg dbname=message_store") or URI.
  // Empty: libpq's environment (PGHOST, PGPORT, PGDATABASE, PGUSER, ...).
  std::string conninfo;
  // Lets reads filter with an SQL condition: sets message_store.sql_condition
  // for the session. Off, as in Message DB.
  bool sql_condition = false;
};

}  // namespace evt::store
