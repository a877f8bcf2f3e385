#!/usr/bin/env bash
# Installs the optional wake-up notifications (notify.sql) into a message
# store: evt-cpp's or the official Message DB 1.3, already installed.
#
#   DATABASE_NAME    database of the message store (default: message_store)
#   PG*              libpq's variables (PGHOST, PGPORT, PGUSER, ...) say where
#
# Safe to re-run. uninstall.sh removes it again; messages are not touched.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
database="${DATABASE_NAME:-message_store}"
export PGOPTIONS="${PGOPTIONS--c client_min_messages=warning}"

echo "Installing wake-up notifications (channel 'message_store') into database '$database'"
psql -X -q -v ON_ERROR_STOP=1 -d "$database" --single-transaction -f "$here/notify.sql"
