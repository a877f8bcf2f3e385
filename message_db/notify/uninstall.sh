#!/usr/bin/env bash
# Removes the optional wake-up notifications; consumers go back to polling.
#
#   DATABASE_NAME    database of the message store (default: message_store)
#   PG*              libpq's variables (PGHOST, PGPORT, PGUSER, ...) say where
set -euo pipefail

database="${DATABASE_NAME:-message_store}"
export PGOPTIONS="${PGOPTIONS--c client_min_messages=warning}"

echo "Removing wake-up notifications from database '$database'"
psql -X -q -v ON_ERROR_STOP=1 -d "$database" --single-transaction <<'SQL'
DROP TRIGGER IF EXISTS notify_categories ON message_store.messages;
DROP FUNCTION IF EXISTS message_store.notify_categories();
SQL
