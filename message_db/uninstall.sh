#!/usr/bin/env bash
# Removes what install.sh installed: the database (or, with
# CREATE_DATABASE=off, only the message_store schema in it) and the role,
# unless another database still grants it something.
#
#   DATABASE_NAME    default: message_store
#   CREATE_DATABASE  "off" when the database was not created by install.sh
#   PG*              libpq's variables say where
set -euo pipefail

database="${DATABASE_NAME:-message_store}"
export PGOPTIONS="${PGOPTIONS--c client_min_messages=warning}"

run_psql() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }

echo "Uninstalling the message store from database '$database'"

if [ "${CREATE_DATABASE:-on}" = "off" ]; then
  echo "- schema message_store in $database"
  run_psql -d "$database" --single-transaction <<'SQL'
DROP SCHEMA IF EXISTS message_store CASCADE;
DO $do$
BEGIN
  IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'message_store') THEN
    REVOKE EXECUTE ON FUNCTION pg_catalog.gen_random_uuid() FROM message_store;
  END IF;
END
$do$;
SQL
else
  echo "- database $database"
  run_psql -d postgres -v name="$database" <<<"SELECT format('DROP DATABASE IF EXISTS %I', :'name') \\gexec"
fi

echo "- role message_store"
run_psql -d postgres <<'SQL'
DO $do$
BEGIN
  DROP ROLE IF EXISTS message_store;
EXCEPTION WHEN dependent_objects_still_exist THEN
  RAISE WARNING 'role message_store kept: another database still uses it';
END
$do$;
SQL
echo "Uninstalled"
