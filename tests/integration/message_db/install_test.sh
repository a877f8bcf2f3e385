#!/usr/bin/env bash
# install.sh and uninstall.sh against the integration cluster (PG* in the
# environment, as superuser): re-running install keeps the messages, and
# DATABASE_NAME / CREATE_DATABASE=off are honoured both ways; the same for
# the optional notify part.
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

# The optional notify part: twice (safe to re-run), announces each category
# written once per statement, and goes away without touching the messages.
DATABASE_NAME="$created" "$message_db/notify/install.sh" >/dev/null
DATABASE_NAME="$created" "$message_db/notify/install.sh" >/dev/null
announced="$(query -d "$created" -U message_store -c "LISTEN message_store" -c \
  "SELECT count(*) FROM (SELECT message_store.write_message(gen_random_uuid()::text, s, 'SomeType', '{}')
     FROM unnest(ARRAY['notifyOne-1', 'notifyOne-2', 'notifyTwo:command-1']) AS s) AS written" 2>&1)"
[ "$(grep -c 'Asynchronous notification "message_store" with payload "notifyOne"' <<<"$announced")" = 1 ] &&
  [ "$(grep -c 'with payload "notifyTwo:command"' <<<"$announced")" = 1 ] ||
  fail "notify/install.sh: expected one notification per category written, got: $announced"
DATABASE_NAME="$created" "$message_db/notify/uninstall.sh" >/dev/null
[ -z "$(query -d "$created" -c "SELECT 1 FROM pg_trigger WHERE tgname = 'notify_categories'")" ] ||
  fail "notify/uninstall.sh left the trigger"
[ "$(query -d "$created" -c "SELECT count(*) FROM message_store.messages")" = 4 ] ||
  fail "notify/uninstall.sh touched the messages"
DATABASE_NAME="$created" "$message_db/notify/install.sh" >/dev/null  # uninstall.sh below drops it with the rest
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
echo "install.sh and uninstall.sh (and notify/): 1 passed, 0 failed"
