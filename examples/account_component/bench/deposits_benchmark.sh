#!/usr/bin/env bash
# Deposits through the running account component against the floor: the
# same SQL statements replayed back to back by psql on one connection, on
# the same throwaway server, in one run.
#
#   deposits_benchmark.sh BIN_DIR [ACCOUNTS] [DEPOSITS]
#
# The component: 50 accounts opened, then 2,000 deposits written by one
# client as fast as it can, while account-component handles them; the time
# runs from the first command written to the last Deposited visible.
# The floor, per deposit: the command's write, the reserved copy's write
# (expected version -1), the entity store's read of the account stream from
# its cached version, and the Deposited write at the expected version; and,
# for every 1,000 messages, the category read, for every 100 the position.
# Without message_db/notify: the component polls (every 100 ms), reading in
# larger batches; with it, writers serialise on NOTIFY (about 0.7x here).
set -euo pipefail
bin="$(realpath "$1")"
accounts="${2:-50}"
deposits="${3:-2000}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cluster="$(mktemp -d /tmp/evt-deposits-bench.XXXXXX)"
work="$(mktemp -d /tmp/evt-deposits-bench-work.XXXXXX)"
service=""
cleanup() {
  if [ -n "$service" ]; then kill -TERM "$service"; wait "$service" || true; fi
  "$repo/message_db/temporary-cluster.sh" stop "$cluster" >/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
"$repo/message_db/temporary-cluster.sh" start "$cluster" >/dev/null
# shellcheck source=/dev/null
. "$cluster/env.sh"
export PGDATABASE=message_store PGUSER=message_store

"$bin/account-component" >"$work/service.log" 2>&1 &
service=$!
read -r count seconds < <("$bin/account_component_deposits_bench" "$accounts" "$deposits")
ours="$(awk -v n="$count" -v s="$seconds" 'BEGIN { printf "%.0f", n / s }')"
kill -TERM "$service"; wait "$service"; service=""

# The replay: its own accounts, opened first (not timed).
uuid() { cat /proc/sys/kernel/random/uuid; }
data='{"depositId": "%s", "accountId": "%s", "amount": 10, "time": "2026-11-24T12:00:00.000Z"}'
: >"$work/setup.sql"
: >"$work/replay.sql"
ids=()
for a in $(seq "$accounts"); do
  ids+=("$(uuid)")
  echo "SELECT message_store.write_message(gen_random_uuid()::text, 'account-${ids[-1]}', 'Opened', '{}');" >>"$work/setup.sql"
done
messages=0
for d in $(seq 0 $((deposits - 1))); do
  account="${ids[$((d % accounts))]}"
  version=$((d / accounts))
  deposit="$(uuid)"
  json="$(printf "$data" "$deposit" "$account")"
  cat >>"$work/replay.sql" <<SQL
SELECT message_store.write_message(gen_random_uuid()::text, 'account:command-$account', 'Deposit', '$json');
SELECT message_store.write_message(gen_random_uuid()::text, 'account:command-$account+$deposit', 'Deposit', '$json', '{"localProperties": {"reserved": "x"}}', -1);
SELECT * FROM message_store.get_stream_messages('account-$account', $((version + 1)), 1000, NULL);
SELECT message_store.write_message(gen_random_uuid()::text, 'account-$account', 'Deposited', '$json', '{"causationMessagePosition": 0}', $version);
SQL
  for _ in 1 2; do
    messages=$((messages + 1))
    if [ $((messages % 1000)) = 0 ]; then
      echo "SELECT count(*) FROM message_store.get_category_messages('account:command', 1, 1000);" >>"$work/replay.sql"
    fi
    if [ $((messages % 100)) = 0 ]; then
      echo "SELECT message_store.write_message(gen_random_uuid()::text, 'account:command+position', 'Recorded', '{\"position\": $messages}');" >>"$work/replay.sql"
    fi
  done
done
psql -X -q -f "$work/setup.sql" >/dev/null
start=$(date +%s.%N)
psql -X -q -f "$work/replay.sql" >/dev/null
end=$(date +%s.%N)
floor="$(awk -v n="$deposits" -v s="$start" -v e="$end" 'BEGIN { printf "%.0f", n / (e - s) }')"

echo "Deposits through account-component, $accounts accounts, $deposits deposits, PostgreSQL $(psql -X -tAc 'SHOW server_version'), $(nproc) cores"
printf '%-44s %10s\n' "" "deposits/s"
printf '%-44s %10s\n' "account-component (command to event visible)" "$ours"
printf '%-44s %10s\n' "floor: the same statements replayed by psql" "$floor"
echo "ratio $(awk -v a="$ours" -v b="$floor" 'BEGIN { printf "%.2f", a / b }'); Ruby Eventide's component: about 450/s (SPEC), so $(awk -v a="$ours" 'BEGIN { printf "%.1f", a / 450 }')x that"
