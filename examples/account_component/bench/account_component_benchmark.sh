#!/usr/bin/env bash
# The account component against the machine's capacity for its own
# per-deposit statements, in one run on one throwaway cluster: first with
# durable commits (fsync on, synchronous_commit on: the headline), then with
# fsync off (ALTER SYSTEM and a reload, same cluster).
#
#   account_component_benchmark.sh BIN_DIR [ACCOUNTS] [DEPOSITS] [SECONDS] [RUNS]
#
# Capacity: pgbench with the statements the component makes for a deposit:
# the reserved copy (expected version -1), the account's read from its
# cached version, and Deposited; first each committed on its own, as the
# component commits them per write, at 1, 2, 4 and 8 clients; then N
# deposits' statements per transaction (N = 10, 50), as a batch commits
# them, at 1, 2 and 4 clients; SECONDS each (default 10), in categories of
# their own (benchAccount...), over as many accounts as the component's.
# The component: DEPOSITS Deposit commands (default 4,000) over ACCOUNTS
# opened accounts (default 100), written raw beforehand in Ruby's form; then
# account-component is started and timed until the last Deposited is
# visible. RUNS (default "per-write:1x1 per-write:1x2 per-batch:1x1
# per-batch:2x1 per-batch:1x2 per-batch:1x1:50 per-batch:1x1:500") are
# COMMITS:PROCESSESxWORKERS[:MESSAGES]: --commits, that many processes as
# consumer group members, each with --concurrency WORKERS, and
# --transaction-messages. Every run is checked: each deposit id has exactly
# one Deposited, every balance is exact, each account's deposits are in the
# order their commands were written, and each of its consumers (two per
# process) recorded its position.
# Latency, per-write and per-batch (one process): pgbench writes Deposit
# commands at 200/s, then at 0.8 of the best per-batch rate, for SECONDS,
# while the component runs with message_db/notify installed (so it wakes on
# each write): from each command's commit to its Deposited's commit
# (track_commit_timestamp), and how long the writer's own writes took (they
# wait for the category lock a batch holds until its commit).
set -euo pipefail

bin="$(realpath "$1")"
accounts="${2:-100}"
deposits="${3:-4000}"
seconds="${4:-10}"
runs="${5:-per-write:1x1 per-write:1x2 per-batch:1x1 per-batch:2x1 per-batch:1x2 per-batch:1x1:50 per-batch:1x1:500}"
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
# Commit times, for the latency runs (a restart to take effect).
as_superuser -c "ALTER SYSTEM SET track_commit_timestamp = on" >/dev/null
"$repo/message_db/temporary-cluster.sh" restart "$cluster" >/dev/null

# Ruby's forms (SPEC 11): every attribute written, times to the millisecond, NULL metadata.
deposit_data="jsonb_build_object('depositId', %s, 'accountId', %s, 'amount', 10, 'time', '2026-12-06T00:00:00.000Z')"
# One deposit's statements, for pgbench, its account in variable :aN.
deposit_statements() {  # N
  cat <<SQL
\\set a$1 random(1, $accounts)
-- pgbench takes any :word for a variable, even in quotes: the stream
-- names are put together around ':'.
SELECT message_store.write_message(gen_random_uuid()::varchar, 'benchAccount' || ':' || 'command-' || md5(CAST(:a$1 AS text)) || '+' || gen_random_uuid()::varchar, 'Deposit', $(printf "$deposit_data" "gen_random_uuid()" "md5(CAST(:a$1 AS text))"), '{"causationMessageStreamName": "benchAccount-command-0123456789abcdef0123456789abcdef", "causationMessagePosition": 0, "causationMessageGlobalPosition": 1, "localProperties": {"reserved": "b5c3e0d4-4c5e-4a47-9d2a-3c1a8c3f1b2e"}}', -1);
SELECT * FROM message_store.get_stream_messages('benchAccount-' || md5(CAST(:a$1 AS text)), 1000000000, 1000, NULL);
SELECT message_store.write_message(gen_random_uuid()::varchar, 'benchAccount-' || md5(CAST(:a$1 AS text)), 'Deposited', $(printf "$deposit_data" "gen_random_uuid()" "md5(CAST(:a$1 AS text))") || '{"processedTime": "2026-12-06T00:00:00.000Z", "sequence": 1}', '{"causationMessageStreamName": "benchAccount-command-0123456789abcdef0123456789abcdef+0123456789abcdef0123456789abcdef", "causationMessagePosition": 0, "causationMessageGlobalPosition": 2}', NULL);
SQL
}
deposit_statements 1 >"$scratch/capacity-1.sql"
for per_transaction in 10 50; do
  {
    echo "BEGIN;"
    for n in $(seq "$per_transaction"); do deposit_statements "$n"; done
    echo "COMMIT;"
  } >"$scratch/capacity-$per_transaction.sql"
done
# What a client writes: one Deposit to one of the opened accounts (their ids in table bench_accounts).
cat >"$scratch/command.sql" <<SQL
\\set a random(1, $accounts)
SELECT message_store.write_message(gen_random_uuid()::varchar, 'account' || ':' || 'command-' || (SELECT id FROM bench_accounts WHERE n = CAST(:a AS bigint)), 'Deposit', $(printf "$deposit_data" "gen_random_uuid()::text" "(SELECT id FROM bench_accounts WHERE n = CAST(:a AS bigint))"));
SQL

capacity() {  # CLIENTS DEPOSITS_PER_TRANSACTION: deposits/s
  # Each run on an empty store, as the component's: a table grown by the
  # runs before would slow the later ones.
  as_superuser -c "TRUNCATE message_store.messages" -c "CHECKPOINT"
  pgbench -n -M prepared -c "$1" -j "$1" -T "$seconds" -f "$scratch/capacity-$2.sql" 2>/dev/null |
    awk -v n="$2" '/^tps/ { printf "%.0f", $3 * n }'
}

# A clean store with the accounts opened and DEPOSITS deposits waiting (the
# default: every one), round robin over the accounts, as a client wrote them.
prepare_commands() {  # [DEPOSITS]
  local waiting="${1:-$deposits}"
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
  FOR d IN 1..$((waiting / accounts)) LOOP
    FOREACH id IN ARRAY ids LOOP
      PERFORM message_store.write_message(gen_random_uuid()::varchar, 'account:command-' || id, 'Deposit',
        $(printf "$deposit_data" "gen_random_uuid()::text" "id"));
    END LOOP;
  END LOOP;
END
\$\$;
SQL
  as_superuser -c "SET client_min_messages = warning" -c "DROP TABLE IF EXISTS bench_accounts" \
    -c "CREATE TABLE bench_accounts AS SELECT row_number() OVER () AS n, data->>'accountId' AS id
        FROM message_store.messages WHERE type = 'Opened'" \
    -c "GRANT SELECT ON bench_accounts TO message_store" -c "CHECKPOINT"
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

start_component() {  # COMMITS PROCESSES WORKERS MESSAGES
  local commits="$1" processes="$2" workers="$3" messages="$4"
  for member in $(seq 0 $((processes - 1))); do
    local options=(--commits "$commits" --transaction-messages "$messages")
    [ "$processes" = 1 ] || options+=(--group-member "$member" --group-size "$processes")
    [ "$workers" = 1 ] || options+=(--concurrency "$workers")
    "$bin/account-component" "${options[@]}" >"$scratch/service-$member.log" 2>&1 &
    services+=($!)
  done
}

component() {  # COMMITS PROCESSES WORKERS MESSAGES: deposits/s, and whether the run was right
  local processes="$2"
  prepare_commands
  local start end
  start=$(date +%s.%N)
  start_component "$@"
  wait_for_deposits
  end=$(date +%s.%N)
  stop_services
  local problems
  problems="$(check_run "$processes")"
  echo "$(rate "$deposits" "$(awk -v s="$start" -v e="$end" 'BEGIN { print e - s }')") ${problems:-yes}"
}

# p50 and p99 of a column of numbers, in ms (given in MULTIPLIER x ms).
percentiles() {  # DIVISOR
  sort -n | awk -v d="$1" '{ v[NR] = $1 / d } END {
    if (NR == 0) { print "- -"; exit }
    i50 = int(NR * 0.50 + 0.5); i99 = int(NR * 0.99 + 0.5); if (i50 < 1) i50 = 1; if (i99 < 1) i99 = 1
    printf "%.1f %.1f", v[i50], v[i99] }'
}

# pgbench writes commands at RATE/s while the component (one process) runs:
# command-to-Deposited p50 p99 ms, the writer's own write p50 p99 ms, and
# whether every command took effect once.
latency() {  # COMMITS RATE
  prepare_commands 0
  start_component "$1" 1 1 100
  for _ in $(seq 200); do
    grep -q "Account component started" "$scratch/service-0.log" && break
    sleep 0.05
  done
  sleep 1  # its consumers connected and read the empty category
  rm -f "$scratch"/pgbench_log.*
  (cd "$scratch" && pgbench -n -M prepared -c 2 -j 2 -R "$2" -T "$seconds" -l -f "$scratch/command.sql" >"$scratch/pgbench.log" 2>&1) ||
    { cat "$scratch/pgbench.log" >&2; return 1; }
  local written
  written="$(query -c "SELECT count(*) FROM message_store.messages WHERE message_store.category(stream_name) = 'account:command' AND type = 'Deposit' AND stream_name NOT LIKE '%+%'")"
  for _ in $(seq 1200); do
    [ "$(query -c "SELECT count(*) FROM message_store.messages WHERE message_store.category(stream_name) = 'account' AND type = 'Deposited'")" -ge "$written" ] && break
    sleep 0.05
  done
  stop_services
  local effects writes
  effects="$(as_superuser -tA -c "
    SELECT extract(epoch FROM pg_xact_commit_timestamp(d.xmin) - pg_xact_commit_timestamp(c.xmin)) * 1000
    FROM message_store.messages c JOIN message_store.messages d ON d.data->>'depositId' = c.data->>'depositId'
    WHERE message_store.category(c.stream_name) = 'account:command' AND c.type = 'Deposit' AND c.stream_name NOT LIKE '%+%'
      AND message_store.category(d.stream_name) = 'account' AND d.type = 'Deposited'" | percentiles 1)"
  writes="$(cat "$scratch"/pgbench_log.* | awk '{ print $3 }' | percentiles 1000)"
  local problems
  problems="$(deposits="$written" check_run 1 | sed 's/balances not exact//; s/^; //; s/; $//')"
  echo "$effects $writes ${problems:-yes}"
}

row() { printf '  %-56s %10s   %s\n' "$@"; }
all_correct=1
for fsync in on off; do
  as_superuser -c "ALTER SYSTEM SET fsync = $fsync" -c "SELECT pg_reload_conf()" >/dev/null
  sleep 0.5
  [ "$(query -c 'SHOW fsync')" = "$fsync" ] || { echo "fsync did not become $fsync" >&2; exit 1; }
  echo "fsync $fsync, synchronous_commit $(query -c 'SHOW synchronous_commit'), full_page_writes $(query -c 'SHOW full_page_writes')"
  row "" "deposits/s" "correct"
  best_capacity=0
  best_batched=0
  for clients in 1 2 4 8; do
    measured="$(capacity "$clients" 1)"
    row "pgbench, the component's statements, $clients client(s)" "$measured" ""
    [ "$measured" -le "$best_capacity" ] || best_capacity="$measured"
  done
  for per_transaction in 10 50; do
    for clients in 1 2 4; do
      measured="$(capacity "$clients" "$per_transaction")"
      row "pgbench, $per_transaction deposits per transaction, $clients client(s)" "$measured" ""
      [ "$measured" -le "$best_batched" ] || best_batched="$measured"
    done
  done
  best_per_write=0
  best_per_batch=0
  for run in $runs; do
    IFS=: read -r commits shape messages <<<"$run"
    messages="${messages:-100}"
    processes="${shape%x*}"
    workers="${shape#*x}"
    read -r measured correct < <(component "$commits" "$processes" "$workers" "$messages")
    row "account-component $commits, $processes process(es) x $workers worker(s), $messages/transaction" "$measured" "$correct"
    [ "$correct" = yes ] || all_correct=0
    if [ "$commits" = per-batch ]; then
      [ "$measured" -le "$best_per_batch" ] || best_per_batch="$measured"
    else
      [ "$measured" -le "$best_per_write" ] || best_per_write="$measured"
    fi
  done
  row "best per-write / best one-commit-per-statement capacity" "$(ratio "$best_per_write" "$best_capacity")" ""
  row "best per-batch / best batched capacity" "$(ratio "$best_per_batch" "$best_batched")" ""
  echo
  PGUSER=postgres "$repo/message_db/notify/install.sh" >/dev/null
  printf '  %-40s %22s %22s   %s\n' "latency (ms), message_db/notify installed" "command to event p50 p99" "command write p50 p99" "correct"
  full=$((best_per_batch * 8 / 10))
  for rate in 200 "$full"; do
    for commits in per-write per-batch; do
      read -r effect50 effect99 write50 write99 correct < <(latency "$commits" "$rate")
      printf '  %-40s %22s %22s   %s\n' "$commits, commands at $rate/s" "$effect50 $effect99" "$write50 $write99" "$correct"
      [ "$correct" = yes ] || all_correct=0
    done
  done
  PGUSER=postgres "$repo/message_db/notify/uninstall.sh" >/dev/null
  echo
done
echo "PostgreSQL $(query -c 'SHOW server_version'), $(nproc) cores, $accounts accounts, $deposits deposits per component run, pgbench ${seconds}s per run"
[ "$all_correct" = 1 ] || { echo "Some runs were not correct" >&2; exit 1; }
