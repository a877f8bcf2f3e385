#!/usr/bin/env bash
# Installs evt-cpp's Message DB 1.3-compatible schema.
#
#   DATABASE_NAME    database to install into (default: message_store)
#   CREATE_DATABASE  "off" to install into an existing database
#   PG*              libpq's variables (PGHOST, PGPORT, PGUSER, ...) say where
#
# Safe to re-run: an existing store keeps its messages and gets the current
# functions, views and privileges.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
database="${DATABASE_NAME:-message_store}"
export PGOPTIONS="${PGOPTIONS--c client_min_messages=warning}"

run_psql() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }

echo "Installing the message store (Message DB $(cat "$here/VERSION")) into database '$database'"

echo "- role message_store"
run_psql -d postgres -f "$here/sql/role.sql"

if [ "${CREATE_DATABASE:-on}" = "off" ]; then
  echo "- database $database: not created (CREATE_DATABASE=off)"
else
  exists="$(run_psql -d postgres -tA -v name="$database" <<<"SELECT 1 FROM pg_database WHERE datname = :'name'")"
  if [ "$exists" = "1" ]; then
    echo "- database $database: exists"
  else
    echo "- database $database: creating"
    createdb "$database"
  fi
fi

# Everything else in one transaction: a failed install changes nothing.
echo "- schema, table, type, functions, indexes, views, privileges"
files=(sql/schema.sql)
for function in hash-64 category id cardinal-id is-category message-store-version \
                stream-version acquire-lock write-message \
                get-stream-messages get-category-messages get-last-stream-message; do
  files+=("functions/$function.sql")
done
files+=(sql/indexes.sql sql/views.sql sql/privileges.sql)

args=()
for file in "${files[@]}"; do args+=(-f "$here/$file"); done
run_psql -d "$database" --single-transaction "${args[@]}"

echo "Installed: $(run_psql -d "$database" -tAc 'SELECT message_store.message_store_version()')"
