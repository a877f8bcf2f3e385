#!/usr/bin/env bash
# The outbox relay killed (SIGKILL) again and again while orders are placed:
# in the end its file holds every message of the order category, first
# deliveries in the order written, and each duplicate it caused flagged as
# a possible redelivery. Usage: relay_chaos.sh ORDER_OUTBOX
set -euo pipefail
program=$1
: "${EVT_TEST_CONNINFO:?}" "${PGHOST:?}"
kills=${EVT_KILLS:-10}
# shellcheck source=../../../account_component/tests/end_to_end/support.sh
. "$(dirname "$0")/../../../account_component/tests/end_to_end/support.sh"

"$program" install --database "$EVT_TEST_CONNINFO user=postgres"
query -U postgres -c "GRANT SELECT, INSERT ON orders TO message_store" >/dev/null
# Earlier runs' messages are in the category too: the relay of this run has a
# name of its own and starts from the first message, as the check does.
name="chaos$RANDOM$RANDOM"
"$program" place --prefix "$name" --orders 150 --interval-ms 20 --database "$EVT_TEST_CONNINFO" &
placing=$!
helpers+=($placing)

relay=("$program" relay --file "$work/delivered" --name "$name" --database "$EVT_TEST_CONNINFO")
kill_repeatedly "$kills" "$work/relay.log" "${relay[@]}"
wait "$placing" || fail "placing orders failed"
helpers=()

"${relay[@]}" >"$work/relay.out" 2>"$work/final.log" &
pid=$!
services+=($pid)
wait_for_line "$work/final.log" "^Relaying"
wait_until_handled order "order:position-$name"
kill -TERM "$pid"
wait "$pid" || fail "the relay did not stop cleanly: $(tail -3 "$work/final.log")"
services=()
echo "relay killed $killed of $kills times; last run: $(tail -1 "$work/relay.out")"
"$program" verify --file "$work/delivered" --database "$EVT_TEST_CONNINFO"
