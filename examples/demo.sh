#!/usr/bin/env bash
# The demo: builds evt-cpp, starts a throwaway PostgreSQL with our Message DB
# schema, writes a message to a stream, reads it back by stream and by
# category, and shows it. Everything it starts it stops; everything it
# creates outside the build folder it deletes.
#
# (The account component replaces this demo when it lands.)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${EVT_BUILD_DIR:-$repo/build/demo}"

echo "== Dependencies"
"$repo/.ci/install-debian-packages.sh"

echo "== Build"
cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release -DEVT_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j2

cluster="$(mktemp -d /tmp/evt-demo.XXXXXX)"
stop() { "$repo/message_db/temporary-cluster.sh" stop "$cluster"; }
trap stop EXIT

echo "== A throwaway PostgreSQL with the message store"
"$repo/message_db/temporary-cluster.sh" start "$cluster"

as_application() { PGHOST="$cluster" psql -X -q -v ON_ERROR_STOP=1 -U message_store -d message_store "$@"; }

account="$(cat /proc/sys/kernel/random/uuid)"
stream="account-$account"

echo
echo "== Write: a Deposited event to $stream (expected version -1: the stream is new)"
as_application -v stream="$stream" <<'SQL'
SELECT message_store.write_message(
  gen_random_uuid()::varchar, :'stream', 'Deposited',
  '{"depositId": "d1", "amount": 100, "time": "2026-11-24T12:00:00.000Z"}',
  '{"correlationStreamName": "demo"}', -1) AS position;
SELECT message_store.write_message(
  gen_random_uuid()::varchar, :'stream', 'Withdrawn',
  '{"withdrawalId": "w1", "amount": 30, "time": "2026-11-24T12:01:00.000Z"}', NULL, 0) AS position;
SQL

echo "== Write again with a stale expected version: refused"
as_application -v stream="$stream" 2>&1 <<'SQL' || true
SELECT message_store.write_message(gen_random_uuid()::varchar, :'stream', 'Deposited', '{}', NULL, 0);
SQL

echo
echo "== Read the stream"
as_application -v stream="$stream" <<'SQL'
\x on
SELECT * FROM message_store.get_stream_messages(:'stream');
SQL

echo "== Read the category (account), as member 0 of a consumer group of 1"
as_application <<'SQL'
SELECT stream_name, type, position, global_position, data
FROM message_store.get_category_messages('account', 1, 1000, NULL, 0, 1);
SQL

echo "== Stream version and the store's summary"
as_application -v stream="$stream" <<'SQL'
SELECT message_store.stream_version(:'stream') AS stream_version;
SELECT * FROM message_store.category_type_summary;
SQL
echo "== Done"
