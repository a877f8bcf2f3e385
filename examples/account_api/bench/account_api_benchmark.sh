#!/usr/bin/env bash
# What the HTTP layer costs, in one run on one throwaway cluster with
# durable commits (fsync on, synchronous_commit on):
#
#   account_api_benchmark.sh API_BIN_DIR COMPONENT_BIN_DIR [SECONDS] [CONNECTIONS] [ACCOUNTS]
#
# 1. The component alone: 4,000 Deposit commands over ACCOUNTS opened
#    accounts (default 100), written raw beforehand, then account-component
#    (per-batch, its default) timed until the last Deposited: deposits/s.
# 2. Through the API: account-component and account-api (--threads
#    CONNECTIONS) running, wrk with CONNECTIONS connections (default 32)
#    for SECONDS (default 30) POSTs deposits, each with a fresh
#    Idempotency-Key, to those accounts; each request waits for its
#    outcome (201 with the balance). Requests/s and wrk's latency
#    percentiles, and the ratio to the component alone.
# Checked: every answer a 201, as many Deposited as 201s, no deposit id twice.
set -euo pipefail
api_bin="$(realpath "$1")" bin="$(realpath "$2")"
seconds="${3:-30}" connections="${4:-32}" accounts="${5:-100}" deposits=4000
command -v wrk >/dev/null || { echo "wrk is needed (Debian package wrk)" >&2; exit 2; }
export EVT_CLUSTER_DURABLE=1
# shellcheck source=../../../tests/bench/throwaway_server.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../../tests/bench/throwaway_server.sh"
pids=()
trap 'for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
      "$repo/message_db/temporary-cluster.sh" stop "$cluster" >/dev/null; rm -rf "$scratch"' EXIT
query() { psql -X -q -tA -v ON_ERROR_STOP=1 "$@"; }
deposited() { query -c "SELECT count(*) FROM message_store.messages WHERE type = 'Deposited'"; }
wait_for() {  # COUNT of Deposited
  until [ "$(deposited)" -ge "$1" ]; do sleep 0.05; done
}

# The component wakes on each write (message_db/notify), as it would be run in production.
PGUSER=postgres "$repo/message_db/notify/install.sh" >/dev/null

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
wait_for $deposits
alone="$(rate $deposits "$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { print e - s }')")"
echo "component alone: $deposits deposits in $accounts accounts, $alone deposits/s"

# 2. Through the API (the component still running).
"$api_bin/account-api" --port 0 --threads "$connections" --wait-ms 10000 >"$scratch/api.log" 2>&1 &
pids+=($!)
until grep -q "Account API listening on" "$scratch/api.log"; do sleep 0.05; done
url="$(grep -o 'Account API listening on [^ ]*' "$scratch/api.log" | cut -d' ' -f5)"
ids="$(query -c "SELECT string_agg('\"' || (data->>'accountId') || '\"', ',') FROM message_store.messages WHERE type = 'Opened'")"
cat >"$scratch/deposit.lua" <<LUA
local accounts = {$ids}
local threads = {}
local made = 0
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
  return wrk.format(nil, path, {["Content-Type"] = "application/json", ["Idempotency-Key"] = "bench-" .. id .. "-" .. made})
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
before="$(deposited)"
wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$scratch/deposit.lua" "$url" | tee "$scratch/wrk.out"
query -c "SELECT 1" >/dev/null
sleep 1  # wrk's last requests answered (each waited for its Deposited)
through_api="$(($(deposited) - before))"
answered="$(awk '/requests in/ { print $1 }' "$scratch/wrk.out")"
[ "$(awk '/answers other than 201/ { print $NF }' "$scratch/wrk.out")" = 0 ] || { echo "answers other than 201" >&2; exit 1; }
twice="$(query -c "SELECT count(*) FROM (SELECT data->>'depositId' FROM message_store.messages WHERE type = 'Deposited'
                   GROUP BY 1 HAVING count(*) > 1) s")"
[ "$twice" = 0 ] || { echo "$twice deposits applied twice" >&2; exit 1; }
[ "$through_api" -ge "$answered" ] || { echo "$answered answered 201, $through_api deposited" >&2; exit 1; }
per_second="$(awk '/Requests\/sec/ { printf "%.0f", $2 }' "$scratch/wrk.out")"
p50="$(awk '$1 == "50%" { print $2 }' "$scratch/wrk.out")" p99="$(awk '$1 == "99%" { print $2 }' "$scratch/wrk.out")"
echo
echo "| durable commits | deposits/s | p50 | p99 |"
echo "|---|---|---|---|"
echo "| account-component alone (4,000 commands waiting) | $alone | | |"
echo "| account-api, wrk $connections connections, ${seconds} s, each answer after its Deposited | $per_second | $p50 | $p99 |"
echo "| **API / component alone** | **$(ratio "$per_second" "$alone")** | | |"
