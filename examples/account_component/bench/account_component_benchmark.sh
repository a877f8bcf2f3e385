#!/usr/bin/env bash
# The account component against the machine's capacity for its own
# per-deposit statements, in one run on one throwaway cluster: first with
# durable commits (fsync on, synchronous_commit on: the headline), then with
# fsync off (ALTER SYSTEM and a reload, same cluster).
#
#   account_component_benchmark.sh BIN_DIR [ACCOUNTS] [DEPOSITS] [SECONDS] [RUNS]
#
# Capacity: pgbench with, per transaction, the statements the component
# makes for a deposit, each committed on its own as the component commits
# them: the reserved copy (expected version -1), the account's read from its
# cached version, and Deposited; at 1, 2, 4 and 8 clients, SECONDS each
# (default 10), in categories of their own (benchAccount...), over as many
# accounts as the component's.
# The component: DEPOSITS Deposit commands (default 4,000) over ACCOUNTS
# opened accounts (default 100), written raw beforehand in Ruby's form; then
# account-component is started and timed until the last Deposited is
# visible. RUNS (default "1x1 2x1 4x1 1x2 1x4 1x8 2x4") are PROCESSESxWORKERS:
# that many processes as consumer group members, each with --concurrency
# WORKERS. Every run is checked: each deposit id has exactly one Deposited,
# every balance is exact, each account's deposits are in the order their
# commands were written, and each of its consumers (two per process)
# recorded its position.
set -euo pipefail

bin="$(realpath "$1")"
accounts="${2:-100}"
deposits="${3:-4000}"
seconds="${4:-10}"
runs="${5:-1x1 2x1 4x1 1x2 1x4 1x8 2x4}"
[ $((deposits % accounts)) = 0 ] || { echo "DEPOSITS must be a multiple of ACCOUNTS" >&2; exit 2; }
export EVT_CLUSTER_DURABLE=1
# shellcheck source=../../../tests/bench/throwaway_server.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../../tests/bench/throwaway_server.sh"

services=()
stop_services() {
  for pid in "${services[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${services[@]}"; do wait "$pid" || { echo "account-component exited $?" >&2; return 1; }; done
  services=()
}
trap 'stop_services || true; "$repo/message_db/temporary-cluster.sh" stop "$cluster" >/dev/null; rm -rf "$scratch"' EXIT
as_superuser() { psql -X -q -v ON_ERROR_STOP=1 -U postgres -d message_store "$@"; }
query() { psql -X -q -tA -v ON_ERROR_STOP=1 "$@"; }

# Ruby's forms (SPEC 11): every attribute written, times to the millisecond, NULL metadata.
deposit_data="jsonb_build_object('depositId', %s, 'accountId', %s, 'amount', 10, 'time', '2026-12-06T00:00:00.000Z')"
cat >"$scratch/capacity.sql" <<SQL
\\set a random(1, $accounts)
-- pgbench takes any :word for a variable, even in quotes: the stream
-- names are put together around ':'.
SELECT message_store.write_message(gen_random_uuid()::varchar, 'benchAccount' || ':' || 'command-' || md5(CAST(:a AS text)) || '+' || gen_random_uuid()::varchar, 'Deposit', $(printf "$deposit_data" "gen_random_uuid()" "md5(CAST(:a AS text))"), '{"causationMessageStreamName": "benchAccount-command-0123456789abcdef0123456789abcdef", "causationMessagePosition": 0, "causationMessageGlobalPosition": 1, "localProperties": {"reserved": "b5c3e0d4-4c5e-4a47-9d2a-3c1a8c3f1b2e"}}', -1);
SELECT * FROM message_store.get_stream_messages('benchAccount-' || md5(CAST(:a AS text)), 1000000000, 1000, NULL);
SELECT message_store.write_message(gen_random_uuid()::varchar, 'benchAccount-' || md5(CAST(:a AS text)), 'Deposited', $(printf "$deposit_data" "gen_random_uuid()" "md5(CAST(:a AS text))") || '{"processedTime": "2026-12-06T00:00:00.000Z", "sequence": 1}', '{"causationMessageStreamName": "benchAccount-command-0123456789abcdef0123456789abcdef+0123456789abcdef0123456789abcdef", "causationMessagePosition": 0, "causationMessageGlobalPosition": 2}', NULL);
SQL

capacity() {  # CLIENTS: deposits/s
  as_superuser -c "CHECKPOINT"
  pgbench -n -M prepared -c "$1" -j "$1" -T "$seconds" -f "$scratch/capacity.sql" 2>/dev/null |
    awk '/^tps/ { printf "%.0f", $3 }'
}

# A clean store with the accounts opened and the deposits waiting, round
# robin over the accounts, as a client wrote them.
prepare_commands() {
  as_superuser -c "TRUNCATE message_store.messages" -c "CHECKPOINT"
  query >/dev/null <<SQL
DO \$\$
DECLARE
  ids text[] := ARRAY(SELECT gen_random_uuid()::text FROM generate_series(1, $accounts));
  id text;
BEGIN
  FOREACH id IN ARRAY ids LOOP
    PERFORM message_store.write_message(gen_random_uuid()::varchar, 'account-' || id, 'Opened',
      jsonb_build_object('accountId', id, 'customerId', 'c-' || id, 'time', '2026-12-06T00:00:00.000Z',
                         'processedTime', '2026-12-06T00:00:00.000Z'));
  END LOOP;
  FOR d IN 1..$((deposits / accounts)) LOOP
    FOREACH id IN ARRAY ids LOOP
      PERFORM message_store.write_message(gen_random_uuid()::varchar, 'account:command-' || id, 'Deposit',
        $(printf "$deposit_data" "gen_random_uuid()::text" "id"));
    END LOOP;
  END LOOP;
END
\$\$;
SQL
  as_superuser -c "CHECKPOINT"
}

# Until every account's stream has reached the version its deposits make:
# one index lookup per poll (each account's deposits are applied in order),
# so that waiting takes the component next to nothing.
wait_for_deposits() {
  query >/dev/null <<SQL
DO \$\$
DECLARE
  streams text[] := ARRAY(SELECT stream_name FROM message_store.messages
                          WHERE message_store.category(stream_name) = 'account' AND type = 'Opened');
  next int := 1;
  deadline timestamptz := clock_timestamp() + interval '600 seconds';
BEGIN
  WHILE next <= cardinality(streams) LOOP
    IF coalesce(message_store.stream_version(streams[next]), -1) >= $((deposits / accounts)) THEN
      next := next + 1;
    ELSE
      IF clock_timestamp() > deadline THEN RAISE EXCEPTION 'Deposits not all handled in 600 s'; END IF;
      PERFORM pg_sleep(0.01);
    END IF;
  END LOOP;
END
\$\$;
SQL
}

# Empty when the run was right; else what was wrong.
check_run() {  # MEMBERS
  query <<SQL
WITH deposited AS (
  SELECT stream_name, position, data->>'depositId' AS deposit_id, (data->>'amount')::numeric AS amount
  FROM message_store.messages WHERE message_store.category(stream_name) = 'account' AND type = 'Deposited'
), commands AS (
  SELECT data->>'depositId' AS deposit_id, global_position FROM message_store.messages
  WHERE message_store.category(stream_name) = 'account:command' AND type = 'Deposit' AND stream_name NOT LIKE '%+%'
), ordered AS (
  SELECT d.stream_name, c.global_position < lag(c.global_position) OVER (PARTITION BY d.stream_name ORDER BY d.position) AS backwards
  FROM deposited d JOIN commands c USING (deposit_id)
), balances AS (
  SELECT stream_name, sum(amount) AS balance FROM deposited GROUP BY stream_name
), positions AS (
  SELECT DISTINCT stream_name FROM message_store.messages
  WHERE message_store.category(stream_name) = 'account:command+position' AND type = 'Recorded'
)
SELECT concat_ws('; ',
  CASE WHEN (SELECT count(*) FROM commands) <> $deposits THEN 'commands: ' || (SELECT count(*) FROM commands) END,
  CASE WHEN (SELECT count(*) FROM deposited) <> $deposits THEN 'Deposited events: ' || (SELECT count(*) FROM deposited) END,
  CASE WHEN (SELECT count(DISTINCT deposit_id) FROM deposited) <> $deposits
            OR EXISTS (SELECT FROM deposited d WHERE NOT EXISTS (SELECT FROM commands c WHERE c.deposit_id = d.deposit_id))
       THEN 'not one Deposited per deposit id' END,
  CASE WHEN (SELECT count(*) FROM balances WHERE balance = $((deposits / accounts * 10))) <> $accounts THEN 'balances not exact' END,
  CASE WHEN EXISTS (SELECT FROM ordered WHERE backwards) THEN 'an account''s deposits out of order' END,
  CASE WHEN (SELECT count(*) FROM positions) < 2 * $1
       THEN 'positions recorded by ' || (SELECT count(*) FROM positions) || ' of the ' || 2 * $1 || ' consumers' END);
SQL
}

component() {  # PROCESSES WORKERS: deposits/s, and whether the run was right
  local processes="$1" workers="$2"
  prepare_commands
  local start end
  start=$(date +%s.%N)
  for member in $(seq 0 $((processes - 1))); do
    local options=()
    [ "$processes" = 1 ] || options+=(--group-member "$member" --group-size "$processes")
    [ "$workers" = 1 ] || options+=(--concurrency "$workers")
    "$bin/account-component" "${options[@]}" >"$scratch/service-$member.log" 2>&1 &
    services+=($!)
  done
  wait_for_deposits
  end=$(date +%s.%N)
  stop_services
  local problems
  problems="$(check_run "$processes")"
  echo "$(rate "$deposits" "$(awk -v s="$start" -v e="$end" 'BEGIN { print e - s }')") ${problems:-yes}"
}

row() { printf '  %-44s %10s   %s\n' "$@"; }
all_correct=1
for fsync in on off; do
  as_superuser -c "ALTER SYSTEM SET fsync = $fsync" -c "SELECT pg_reload_conf()" >/dev/null
  sleep 0.5
  [ "$(query -c 'SHOW fsync')" = "$fsync" ] || { echo "fsync did not become $fsync" >&2; exit 1; }
  echo "fsync $fsync, synchronous_commit $(query -c 'SHOW synchronous_commit'), full_page_writes $(query -c 'SHOW full_page_writes')"
  row "" "deposits/s" "correct"
  best_capacity=0
  for clients in 1 2 4 8; do
    measured="$(capacity "$clients")"
    row "pgbench, the component's statements, $clients client(s)" "$measured" ""
    [ "$measured" -le "$best_capacity" ] || best_capacity="$measured"
  done
  best_component=0
  for run in $runs; do
    processes="${run%x*}"
    workers="${run#*x}"
    read -r measured correct < <(component "$processes" "$workers")
    row "account-component, $processes process(es) x $workers worker(s)" "$measured" "$correct"
    [ "$correct" = yes ] || all_correct=0
    [ "$measured" -le "$best_component" ] || best_component="$measured"
  done
  row "best component / best capacity" "$(ratio "$best_component" "$best_capacity")" ""
  echo
done
echo "PostgreSQL $(query -c 'SHOW server_version'), $(nproc) cores, $accounts accounts, $deposits deposits per component run, pgbench ${seconds}s per run"
[ "$all_correct" = 1 ] || { echo "Some runs were not correct" >&2; exit 1; }
