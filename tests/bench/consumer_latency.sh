#!/usr/bin/env bash
# Write-to-handler latency of a consumer polling every 100 ms (Eventide's
# default), without and with the optional notify part (message_db/notify),
# in one run on one throwaway server; and what the notify trigger costs a
# single-message write, pgbench with and without it.
#
#   consumer_latency.sh EVT_CONSUMER_LATENCY_BENCH [COUNT]
set -euo pipefail

bench="$(realpath "$1")"
count="${2:-300}"
# shellcheck source=throwaway_server.sh
. "$(dirname "${BASH_SOURCE[0]}")/throwaway_server.sh"

cat >"$scratch/write.sql" <<'SQL'
\set id random(1, 1000000000)
SELECT message_store.write_message(gen_random_uuid()::varchar, 'benchWrite' || :client_id || '-' || :id, 'SomeType', '{"attribute": "some value"}', NULL, NULL);
SQL
# Single-message writes/s of $1 clients, each in a category of its own.
writes() { pgbench -n -M prepared -c "$1" -j "$1" -T 5 -f "$scratch/write.sql" 2>/dev/null | awk '/^tps/ { printf "%.0f", $3 }'; }
best() { if [ -z "$1" ] || [ "$2" -gt "$1" ]; then echo "$2"; else echo "$1"; fi; }

echo "Consumer latency, write to handler, $count messages, poll interval 100 ms, $(nproc) cores"
printf '%-36s %10s %10s %10s\n' "" "median ms" "p99 ms" "max ms"
read -r median p99 max < <("$bench" 0 100 "$count")
printf '%-36s %10s %10s %10s\n' "polling only" "$median" "$p99" "$max"
read -r median p99 max < <("$bench" 1 100 "$count")
printf '%-36s %10s %10s %10s\n' "wake_on_notify, notify not installed" "$median" "$p99" "$max"
PGUSER=postgres "$repo/message_db/notify/install.sh" >/dev/null
read -r median p99 max < <("$bench" 1 100 "$count")
printf '%-36s %10s %10s %10s\n' "wake_on_notify, notify installed" "$median" "$p99" "$max"

# This VM's write rate drifts by tens of percent within a minute: alternate
# without and with, 5 s each, three times, and keep the best of each. With
# the trigger every writing transaction NOTIFYs, and PostgreSQL lets one
# notifying transaction commit at a time: writers of different categories
# then wait for each other.
echo
echo "single-message writes/s (pgbench, best of 3 x 5 s; each client in a category of its own):"
for clients in 1 8; do
  without="" with=""
  for _ in 1 2 3; do
    PGUSER=postgres "$repo/message_db/notify/uninstall.sh" >/dev/null
    without="$(best "$without" "$(writes "$clients")")"
    PGUSER=postgres "$repo/message_db/notify/install.sh" >/dev/null
    with="$(best "$with" "$(writes "$clients")")"
  done
  echo "  $clients client(s): $without without the trigger, $with with it ($(awk -v a="$with" -v b="$without" 'BEGIN { printf "%.2f", a / b }'))"
done
