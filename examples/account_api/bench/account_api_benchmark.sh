#!/usr/bin/env bash
# What the HTTP layer costs, in one run on one throwaway cluster with
# durable commits (fsync on, synchronous_commit on):
#
#   account_api_benchmark.sh API_BIN_DIR COMPONENT_BIN_DIR [SECONDS] [CONNECTIONS] [ACCOUNTS]
#
# 1. The component alone: 4,000 Deposit commands over ACCOUNTS opened
#    accounts (default 100), written raw beforehand, then account-component
#    (per-batch, its default) timed until the last Deposited: deposits/s.
# 2. The limit of a request's own store work: pgbench, CONNECTIONS clients
#    (default 32) for SECONDS (default 30), each transaction the
#    statements account-api makes for a deposit, each committed on its own
#    as the API commits them: the key's record read and written
#    (Initiated), the account read, the command written, the record read
#    and written again (Succeeded); in categories of their own
#    (16 benchApi:idempotencyN, benchApi:command), which lock as the API's
#    do.
# 3. Through the API: account-component and account-api (--threads
#    CONNECTIONS) running, wrk with CONNECTIONS connections for SECONDS
#    POSTs deposits, each with a fresh Idempotency-Key, to those accounts;
#    each request waits for its outcome (201 with the balance). Twice: the
#    component polling every 5 ms, then woken by message_db/notify (its
#    default poll, 100 ms, as a fallback). Requests/s and wrk's latency
#    percentiles, and the ratios to 1 and 2.
# Checked: every answer a 201, a Deposited for each, no deposit id twice.
set -euo pipefail
api_bin="$(realpath "$1")" bin="$(realpath "$2")"
seconds="${3:-30}" connections="${4:-32}" accounts="${5:-100}" deposits=4000
command -v wrk >/dev/null || { echo "wrk is needed (Debian package wrk)" >&2; exit 2; }
export EVT_CLUSTER_DURABLE=1
# shellcheck source=../../../tests/bench/throwaway_server.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../../tests/bench/throwaway_server.sh"
pids=()
stop_all() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  pids=()
}
trap 'stop_all; "$repo/message_db/temporary-cluster.sh" stop "$cluster" >/dev/null; rm -rf "$scratch"' EXIT
query() { psql -X -q -tA -v ON_ERROR_STOP=1 "$@"; }
deposited() { query -c "SELECT count(*) FROM message_store.messages WHERE type = 'Deposited'"; }

# 1. The component alone.
query >/dev/null <<SQL
DO \$\$
DECLARE
  ids text[] := ARRAY(SELECT gen_random_uuid()::text FROM generate_series(1, $accounts));
  id text;
BEGIN
  FOREACH id IN ARRAY ids LOOP
    PERFORM message_store.write_message(gen_random_uuid()::varchar, 'account-' || id, 'Opened',
      jsonb_build_object('accountId', id, 'customerId', 'c-' || id, 'time', '2026-12-07T00:00:00.000Z'));
  END LOOP;
  FOR d IN 1..$((deposits / accounts)) LOOP
    FOREACH id IN ARRAY ids LOOP
      PERFORM message_store.write_message(gen_random_uuid()::varchar, 'account:command-' || id, 'Deposit',
        jsonb_build_object('depositId', gen_random_uuid()::text, 'accountId', id, 'amount', 10,
                           'time', '2026-12-07T00:00:00.000Z'));
    END LOOP;
  END LOOP;
END
\$\$;
SQL
query -U postgres -c "CHECKPOINT" >/dev/null
start=$(date +%s.%N)
"$bin/account-component" >"$scratch/component.log" 2>&1 &
pids+=($!)
until [ "$(deposited)" -ge $deposits ]; do sleep 0.05; done
alone="$(rate $deposits "$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { print e - s }')")"
stop_all
echo "component alone: $deposits deposits in $accounts accounts, $alone deposits/s"

# 2. The limit of a request's own statements.
record="'benchApi:idempotency' || (:r % 16) || '-' || :r"  # 16 categories, as the API's records
cat >"$scratch/request.sql" <<SQL
\\set r random(1, 1000000000000)
\\set a random(1, $accounts)
SELECT * FROM message_store.get_last_stream_message($record);
SELECT message_store.write_message(gen_random_uuid()::varchar, $record, 'Initiated', '{"key": "k", "status": "pending", "context": "POST /accounts/a/deposits {\"amount\":\"10\"}", "owner": "o", "attempt": 1}', NULL, -1);
SELECT * FROM message_store.get_stream_messages('account-' || md5(CAST(:a AS text)), 0, 1000, NULL);
SELECT message_store.write_message(gen_random_uuid()::varchar, 'benchApi:command-' || md5(CAST(:a AS text)), 'Deposit', jsonb_build_object('depositId', gen_random_uuid()::text, 'accountId', md5(CAST(:a AS text)), 'amount', 10, 'time', '2026-12-07T00:00:00.000Z'));
SELECT * FROM message_store.get_last_stream_message($record);
SELECT message_store.write_message(gen_random_uuid()::varchar, $record, 'Succeeded', '{"key": "k", "status": "success", "context": "POST /accounts/a/deposits {\"amount\":\"10\"}", "owner": "o", "attempt": 1, "result": "201 {\"accountId\":\"a\",\"amount\":\"10\",\"balance\":\"20\"}"}', NULL, 0);
SQL
limit="$(pgbench -n -c "$connections" -j 2 -T "$seconds" -f "$scratch/request.sql" 2>/dev/null |
  awk '/^tps/ { printf "%.0f", $3 }')"
echo "a request's own statements, one commit each, $connections clients: $limit requests/s"

# 3. Through the API.
ids="$(query -c "SELECT string_agg('\"' || (data->>'accountId') || '\"', ',') FROM message_store.messages WHERE type = 'Opened'")"
cat >"$scratch/deposit.lua" <<LUA
local accounts = {$ids}
local threads = {}
local made = 0
local run = os.getenv("EVT_BENCH_RUN")  -- keys fresh in every run
other = 0  -- global: done() reads it from each thread
function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end
function init()
  math.randomseed(id * 7919 + os.time())
  wrk.method = "POST"
  wrk.body = '{"amount": "10"}'
end
function request()
  made = made + 1
  local path = "/accounts/" .. accounts[math.random(#accounts)] .. "/deposits"
  return wrk.format(nil, path, {["Content-Type"] = "application/json", ["Idempotency-Key"] = "bench-" .. run .. "-" .. id .. "-" .. made})
end
function response(status, headers, body)
  if status ~= 201 then
    if other == 0 then io.stderr:write("first answer other than 201: " .. status .. " " .. body .. "\n") end
    other = other + 1
  end
end
function done(summary, latency, requests)
  local others = 0
  for _, thread in ipairs(threads) do others = others + thread:get("other") end
  io.write(string.format("answers other than 201: %d\n", others))
end
LUA
rows=()
through_api() {  # NAME COMPONENT_OPTIONS...
  local name=$1 before answered made url
  shift
  "$bin/account-component" "$@" >"$scratch/component.log" 2>&1 &
  pids+=($!)
  "$api_bin/account-api" --port 0 --threads "$connections" --wait-ms 10000 >"$scratch/api.log" 2>&1 &
  pids+=($!)
  until grep -q "Account API listening on" "$scratch/api.log"; do sleep 0.05; done
  url="$(grep -o 'Account API listening on [^ ]*' "$scratch/api.log" | cut -d' ' -f5)"
  before="$(deposited)"
  EVT_BENCH_RUN="${#rows[@]}" wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$scratch/deposit.lua" "$url" |
    tee "$scratch/wrk.out"
  stop_all  # each answered request's Deposited is in (it was waited for)
  answered="$(awk '/requests in/ { print $1 }' "$scratch/wrk.out")" made="$(($(deposited) - before))"
  [ "$(awk '/answers other than 201/ { print $NF }' "$scratch/wrk.out")" = 0 ] || { echo "answers other than 201" >&2; exit 1; }
  [ "$made" -ge "$answered" ] || { echo "$answered answered 201, $made deposited" >&2; exit 1; }
  local per_second p50 p99
  per_second="$(awk '/Requests\/sec/ { printf "%.0f", $2 }' "$scratch/wrk.out")"
  p50="$(awk '$1 == "50%" { print $2 }' "$scratch/wrk.out")" p99="$(awk '$1 == "99%" { print $2 }' "$scratch/wrk.out")"
  rows+=("| account-api, $name | $per_second | $p50 | $p99 | $(ratio "$per_second" "$alone") | $(ratio "$per_second" "$limit") |")
}
through_api "component polling every 5 ms" --poll-interval-ms 5
PGUSER=postgres "$repo/message_db/notify/install.sh" >/dev/null
through_api "component woken by message_db/notify"
twice="$(query -c "SELECT count(*) FROM (SELECT data->>'depositId' FROM message_store.messages WHERE type = 'Deposited'
                   GROUP BY 1 HAVING count(*) > 1) s")"
[ "$twice" = 0 ] || { echo "$twice deposits applied twice" >&2; exit 1; }

echo
echo "| durable commits, wrk $connections connections, ${seconds} s | deposits/s | p50 | p99 | / component alone | / request limit |"
echo "|---|---|---|---|---|---|"
echo "| account-component alone ($deposits commands waiting, batched) | $alone | | | 1 | |"
echo "| a request's own statements (pgbench, one commit each) | $limit | | | $(ratio "$limit" "$alone") | 1 |"
printf '%s\n' "${rows[@]}"
