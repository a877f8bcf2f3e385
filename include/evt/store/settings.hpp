#pragma once

#include <string>

namespace evt::store {

// How a session's connection reaches the server.
enum class pool_mode {
  // A server connection of its own for as long as it is connected: directly,
  // or through a pooler in session mode. Statements are prepared once per
  // connection, and consumers can LISTEN.
  session,
  // Through a pooler that gives each transaction whichever server connection
  // is free (PgBouncer's pool_mode = transaction): nothing may outlive a
  // transaction on the server. Statements are sent unnamed with their
  // parameters each time (as Ruby's Eventide does), nothing is LISTENed to
  // (consumers poll) and settings are made per transaction.
  transaction,
};

struct settings {
  // A libpq connection string ("host=/run/pg dbname=message_store") or URI.
  // Empty: libpq's environment (PGHOST, PGPORT, PGDATABASE, PGUSER, ...).
  // It may also say the pool mode, for programs that take only a conninfo:
  // "evt_pool_mode=transaction" (a URI's "?evt_pool_mode=transaction").
  // A session takes it out before libpq sees the rest.
  std::string conninfo;
  // Lets reads filter with an SQL condition (message_store.sql_condition
  // on for the reads that give one). Off, as in Message DB.
  bool sql_condition = false;
  store::pool_mode pool_mode = store::pool_mode::session;
};

// The settings with any evt_pool_mode the conninfo gives taken out of it and
// into pool_mode. A value other than session or transaction is an
// evt::error; so is a conninfo that says it twice.
settings with_conninfo_options(settings settings);

}  // namespace evt::store
