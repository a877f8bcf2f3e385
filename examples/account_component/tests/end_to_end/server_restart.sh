#!/usr/bin/env bash
# The PostgreSQL server restarted (pg_ctl restart -m fast) EVT_RESTARTS
# times (default 3) while four writers issue commands through account-client
# (each command twice, the duplicate some time later) and two consumer-group
# members of account-component handle them. Every component reconnects by
# itself: the services never exit (they stop cleanly at the end), a writer
# whose call failed on the lost connection issues the same command again
# (same deposit or withdrawal id: safe whatever the first attempt did), and
# every command takes effect exactly once; balances are exact.
#
#   server_restart.sh BIN_DIR CLUSTER_SCRIPT   (PGHOST: the cluster dir, PGPORT, EVT_TEST_CONNINFO)
set -euo pipefail
bin="$1"
cluster_script="$2"
# shellcheck source=support.sh
. "$(dirname "${BASH_SOURCE[0]}")/support.sh"

prefix="restart$RANDOM$RANDOM"
accounts=8
restarts="${EVT_RESTARTS:-3}"
open_accounts "$prefix" $accounts

: >"$work/commands"
for k in $(seq 90); do echo "Deposit $prefix-$((k % accounts + 1)) depositId d-$prefix-$k $((k % 9 + 1))" >>"$work/commands"; done
for k in $(seq 25); do echo "Withdraw $prefix-$((k % accounts + 1)) withdrawalId w-$prefix-$k $((k % 4 + 1))" >>"$work/commands"; done
for k in $(seq 26 30); do echo "Withdraw $prefix-$((k % accounts + 1)) withdrawalId w-$prefix-$k $too_much" >>"$work/commands"; done
expect_balances
shuf "$work/commands" -o "$work/shuffled"

# Writer W: its quarter of the commands, each again 5 commands later; a
# call that fails (exit 1: the store, e.g. the lost connection) is issued
# again until it succeeds. Bad input (exit 2) would be a defect here.
writer() {  # W
  local attempts=0 failures=0 status
  awk -v w="$1" 'NR % 4 == w' "$work/shuffled" |
    awk '{ lines[NR] = $0 } END { for (i = 1; i <= NR + 5; i++) { if (i <= NR) print lines[i]; if (i > 5) print lines[i - 5] } }' |
    while read -r type account key id amount; do
      local verb=deposit option=--deposit-id
      [ "$type" = Withdraw ] && verb=withdraw option=--withdrawal-id
      for attempt in $(seq 200); do
        attempts=$((attempts + 1))
        status=0
        "$bin/account-client" --database "$EVT_TEST_CONNINFO" "$verb" "$account" "$amount" "$option" "$id" \
          >>"$work/writer-$1.log" 2>&1 || status=$?
        [ "$status" = 0 ] && break
        [ "$status" = 1 ] || { echo "exit $status" >>"$work/writer-$1.log"; exit 1; }
        failures=$((failures + 1))
        sleep 0.05
      done
      [ "$status" = 0 ] || exit 1
      echo "$attempts $failures" >"$work/writer-$1.count"
    done
}

start_service --group-member 0 --group-size 2
start_service --group-member 1 --group-size 2
wait_until_component_handled 2

writers_across_server_events writer "$restarts" "$cluster_script" restart "$PGHOST" "$prefix"
calls="$(cat "$work"/writer-*.count | awk '{ a += $1; f += $2 } END { print a " calls, " f " failed and issued again" }')"
waits="$(grep -c "Connection lost; retrying" "$work/service.log" || true)"
[ "$waits" -ge "$restarts" ] || fail "the services waited for the server only $waits times: the restarts missed them"
echo "server restarted $restarts times under 2 group members and 4 writers: 240 commands issued for 120 distinct" \
  "($calls); the services waited for the server $waits times; each applied or rejected once, every balance exact"
