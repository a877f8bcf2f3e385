#!/usr/bin/env bash
# install.sh and uninstall.sh against the integration cluster (PG* in the
# environment, as superuser): re-running install keeps the messages, and
# DATABASE_NAME / CREATE_DATABASE=off are honoured both ways.
set -euo pipefail
message_db="$1"
suffix="$RANDOM$RANDOM"

fail() { echo "FAILED: $*" >&2; exit 1; }
query() { psql -X -q -tA -v ON_ERROR_STOP=1 "$@"; }

stream="installTest$suffix-1"
query -d message_store -U message_store -c \
  "SELECT message_store.write_message(gen_random_uuid()::text, '$stream', 'SomeType', '{}')" >/dev/null
"$message_db/install.sh" >/dev/null
[ "$(query -d message_store -c "SELECT count(*) FROM message_store.messages WHERE stream_name = '$stream'")" = 1 ] ||
  fail "re-running install.sh lost a message"
[ "$(query -d message_store -U message_store -c "SELECT message_store.write_message(gen_random_uuid()::text, '$stream', 'SomeType', '{}')")" = 1 ] ||
  fail "writing after a re-install"

created="evt_install_test_$suffix"
DATABASE_NAME="$created" "$message_db/install.sh" >/dev/null
[ "$(query -d "$created" -U message_store -c "SELECT message_store.write_message(gen_random_uuid()::text, 'a-1', 'SomeType', '{}')")" = 0 ] ||
  fail "install.sh with DATABASE_NAME did not make a working store"
DATABASE_NAME="$created" "$message_db/uninstall.sh" >/dev/null 2>&1
[ -z "$(query -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$created'")" ] ||
  fail "uninstall.sh did not drop the database it was given"
[ "$(query -d postgres -c "SELECT count(*) FROM pg_roles WHERE rolname = 'message_store'")" = 1 ] ||
  fail "uninstall.sh dropped the role while another store still uses it"

existing="evt_existing_$suffix"
createdb "$existing"
CREATE_DATABASE=off DATABASE_NAME="$existing" "$message_db/install.sh" >/dev/null
[ "$(query -d "$existing" -U message_store -c "SELECT message_store.message_store_version()")" = 1.3.0 ] ||
  fail "install.sh with CREATE_DATABASE=off"
CREATE_DATABASE=off DATABASE_NAME="$existing" "$message_db/uninstall.sh" >/dev/null 2>&1
[ -z "$(query -d "$existing" -c "SELECT 1 FROM pg_namespace WHERE nspname = 'message_store'")" ] ||
  fail "uninstall.sh with CREATE_DATABASE=off left the schema"
dropdb "$existing"
echo "install.sh and uninstall.sh: 1 passed, 0 failed"
