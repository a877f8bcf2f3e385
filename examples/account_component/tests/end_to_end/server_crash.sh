#!/usr/bin/env bash
# The PostgreSQL server crashed (pg_ctl stop -m immediate: what was not
# flushed is lost, as in a power cut) EVT_CRASHES times (default 6) at random
# moments, with durable commits (fsync on, synchronous_commit on), while
# four writers issue commands in Ruby's form (each twice, the second some
# time later) and two group members of account-component, each with two
# workers, handle them. A writer whose write failed issues it again. The
# component's recorded positions are committed without waiting for the
# flush, so a crash may take the last of them back (README, Durability).
# Nothing may be lost and nothing applied twice: every command issued takes
# effect exactly once, every balance is exact, and the services never exit.
#
#   server_crash.sh BIN_DIR CLUSTER_SCRIPT INSTALLER   (a cluster of its own, durable)
set -euo pipefail
bin="$1"
cluster_script="$2"
installer="$3"
cluster="$(mktemp -d /tmp/evt-crash.XXXXXX)"
rmdir "$cluster"
EVT_CLUSTER_DURABLE=1 "$cluster_script" start "$cluster" "$installer" >/dev/null
# shellcheck source=/dev/null
. "$cluster/env.sh"
export EVT_TEST_CONNINFO="host=$cluster port=5432 dbname=message_store user=message_store"
# shellcheck source=support.sh
. "$(dirname "${BASH_SOURCE[0]}")/support.sh"
trap 'for pid in "${helpers[@]}"; do pkill -P "$pid" 2>/dev/null || true; kill "$pid" 2>/dev/null || true; done
      for pid in "${services[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
      "$cluster_script" stop "$cluster" >/dev/null; rm -rf "$work"' EXIT
[ "$(query -c 'SHOW fsync')" = on ] && [ "$(query -c 'SHOW synchronous_commit')" = on ] || fail "commits are not durable"

prefix="crash$RANDOM"
accounts=8
crashes="${EVT_CRASHES:-6}"
open_accounts "$prefix" $accounts

: >"$work/commands"
for k in $(seq 120); do echo "Deposit $prefix-$((k % accounts + 1)) depositId d-$prefix-$k $((k % 9 + 1))" >>"$work/commands"; done
for k in $(seq 30); do echo "Withdraw $prefix-$((k % accounts + 1)) withdrawalId w-$prefix-$k $((k % 4 + 1))" >>"$work/commands"; done
for k in $(seq 31 36); do echo "Withdraw $prefix-$((k % accounts + 1)) withdrawalId w-$prefix-$k $too_much" >>"$work/commands"; done
expect_balances
shuf "$work/commands" -o "$work/shuffled"

# Writer W: its quarter of the commands, each again 8 commands later; a write
# refused by a server going down or recovering is issued again until it is in.
writer() {  # W
  local attempts=0
  awk -v w="$1" 'NR % 4 == w' "$work/shuffled" | reissued_later 8 /dev/stdin |
    while read -r type account key id amount; do
      until query -c "$(command_sql "$type" "$account" "$key" "$id" "$amount")" >/dev/null 2>>"$work/writer-$1.log"; do
        attempts=$((attempts + 1))
        [ "$attempts" -lt 2000 ] || { echo "gave up" >>"$work/writer-$1.log"; exit 1; }
        sleep 0.05
      done
      sleep 0.03
    done
}

start_service --group-member 0 --group-size 2 --concurrency 2
start_service --group-member 1 --group-size 2 --concurrency 2
wait_until_component_handled 2

writers_across_server_events writer "$crashes" "$cluster_script" crash "$cluster" "$prefix"
recoveries="$(grep -c "database system was not properly shut down" "$cluster/data/server.log" || true)"
[ "$recoveries" -ge "$crashes" ] || fail "the server recovered from a crash $recoveries times, crashed $crashes"
# A service idle at a crash notices it only at its next read, or not at all
# when it listens for notifications (it connects again to listen): each
# crash need not show in its log, but some must.
waits="$(grep -c "Connection lost; retrying" "$work/service.log" || true)"
[ "$waits" -ge 1 ] || fail "the services never waited for the server: the crashes missed them"
echo "server crashed $crashes times (durable commits) under 2 group members of 2 workers and 4 writers:" \
  "312 commands issued for 156 distinct; each applied or rejected once, every balance exact"
