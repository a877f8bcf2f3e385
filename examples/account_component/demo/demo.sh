#!/usr/bin/env bash
# The account component demo (README command a): builds evt-cpp and the
# account component, starts a throwaway PostgreSQL with the message store,
# starts the service, and drives it with the client: open an account,
# deposit 100 twice with the same deposit id, withdraw 30, try to withdraw
# 1000, show the account (balance 70) and its event stream. Everything it
# starts it stops; everything it creates outside the build folder it deletes.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
build="${EVT_BUILD_DIR:-$repo/build/demo}"

echo "== Dependencies"
"$repo/.ci/install-debian-packages.sh"

echo "== Build"
cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release -DEVT_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j2 --target account-component account-client
bin="$build/examples/account_component"

cluster="$(mktemp -d /tmp/evt-demo.XXXXXX)"
service=""
log="$(mktemp /tmp/evt-demo-service.XXXXXX.log)"
stop() {
  if [ -n "$service" ]; then kill -TERM "$service" 2>/dev/null && wait "$service" || true; fi
  "$repo/message_db/temporary-cluster.sh" stop "$cluster" >/dev/null
  rm -f "$log"
}
trap stop EXIT

echo
echo "== A throwaway PostgreSQL with the message store (and its optional wake-up notifications)"
"$repo/message_db/temporary-cluster.sh" start "$cluster"
# shellcheck source=/dev/null
. "$cluster/env.sh"
"$repo/message_db/notify/install.sh"
export PGDATABASE=message_store PGUSER=message_store

echo
echo "== The service: account-component (its log is shown at the end)"
"$bin/account-component" >"$log" 2>&1 &
service=$!

client() { echo "\$ account-client $*"; "$bin/account-client" "$@"; }
account="$(cut -c1-8 /proc/sys/kernel/random/uuid)"
deposit_id="deposit$(cut -c1-4 /proc/sys/kernel/random/uuid)"

echo
echo "== Commands, written to account:command-$account"
client open "$account"
client deposit "$account" 100 --deposit-id "$deposit_id"
client deposit "$account" 100 --deposit-id "$deposit_id"
client withdraw "$account" 30
client withdraw "$account" 1000

# The service handles them within milliseconds; wait until the account has
# all four events (version 3), at most 10 s.
for _ in $(seq 100); do
  "$bin/account-client" show "$account" | grep -q '"version":3' && break
  sleep 0.1
done

echo
echo "== The account"
client show "$account"

echo
echo "== Its event stream, account-$account"
psql -X -q -v ON_ERROR_STOP=1 -v stream="account-$account" <<'SQL'
SELECT position, type, data::jsonb->>'amount' AS amount, data::jsonb->>'sequence' AS sequence,
       metadata::jsonb->>'causationMessageStreamName' AS caused_by
FROM message_store.get_stream_messages(:'stream') ORDER BY position;
SQL

echo "== The reservation streams the deposit and the withdrawals made"
psql -X -q -v ON_ERROR_STOP=1 -v pattern="account:command-$account+%" <<'SQL'
SELECT stream_name, position, type, data->>'amount' AS amount, metadata->'localProperties' AS local_properties
FROM message_store.messages WHERE stream_name LIKE :'pattern' ORDER BY global_position;
SQL

cat <<TEXT
== Why the second deposit of 100 was applied once

Both Deposit commands carry deposit id $deposit_id. For each, the
handler's reservation block first wrote a copy of the command to
account:command-$account+$deposit_id,
expecting that stream not to exist.
The first copy created it; the second found it there, so the command was
logged as ignored and nothing else happened. Only the copy, when the
consumer read it back, ran the deposit logic: one Deposited event. A
Deposit re-delivered after a crash is stopped the same way, and a copy
handled twice is stopped by its sequence (the account's highest applied
command position). So the balance is 100 - 30 = 70, and the withdrawal of
1000 was rejected for insufficient funds.

TEXT

echo "== The service's log"
kill -TERM "$service"
wait "$service"
service=""
cat "$log"
echo "== Done: service stopped (exit 0), cluster stopped and deleted"
