#!/usr/bin/env bash
# account-component --metrics-port 0, scraped with curl while it works, its
# numbers checked against the store:
# 1. deposits (some issued twice) and a poison command: what it handled,
#    parked, reserved and ignored, its errors, and its position (the one
#    its position stream records) once it has handled them; lag 0.
# 2. a lag that holds still: a session of this script holds the write lock
#    of the account category (Message DB serialises writers per category
#    with an advisory lock), and K deposits are issued in one transaction.
#    The consumer reserves the K (their copies go to account:command, not
#    locked), then the copies' consumer blocks writing the first copy's
#    Deposited: its position is the last deposit's, with exactly the K
#    copies behind it, or (committing per batch, when it read the deposits
#    and their copies in one batch) the one before the first deposit, with
#    the K deposits it passes by in that batch too; for as long as the lock
#    is held. Released, it catches up: lag 0 again.
# The counts are the changes from a scrape taken once the service had
# handled what earlier tests left in account:command.
#
#   metrics_scrape.sh BIN_DIR   (PGHOST, PGPORT, EVT_TEST_CONNINFO)
set -euo pipefail
bin="$1"
# shellcheck source=support.sh
. "$(dirname "${BASH_SOURCE[0]}")/support.sh"

p="metrics$RANDOM$RANDOM"
account="$p-1"
open_accounts "$p" 1

start_service --metrics-port 0
wait_for_line "$work/service.log" "Metrics on http://127.0.0.1:[0-9]*/metrics"
url="$(grep -o 'http://127\.0\.0\.1:[0-9]*/metrics' "$work/service.log" | head -n 1)"
wait_until_component_handled

# The component's two consumers (reservations, and the reserved copies coming back).
reservations_consumer='{category="account:command",position_stream="account:command+position"}'
copies_consumer='{category="account:command",position_stream="account:command+position-reservedCopies"}'
scrape() {  # the metrics into $work/scrape, their headers into $work/headers
  curl -sS --fail --max-time 10 -D "$work/headers" -o "$work/scrape" "$url"
}
value() {  # NAME_AND_LABELS: its sample's value in $work/scrape (there must be exactly one)
  local lines
  lines="$(grep -F -- "$1 " "$work/scrape" | grep -v '^#' || true)"
  [ -n "$lines" ] && [ "$(wc -l <<<"$lines")" = 1 ] || fail "not one sample $1 in: $(cat "$work/scrape")"
  echo "${lines##* }"
}
reservations() {  # OUTCOME
  value "evt_reservations_total{handler=\"Commands\",outcome=\"$1\"}"
}
consumer_value() {  # METRIC [CONSUMER]: that consumer's sample of it, or both consumers' together
  if [ $# -gt 1 ]; then value "$1$2"; else echo $(($(value "$1$reservations_consumer") + $(value "$1$copies_consumer"))); fi
}
changed_by() {  # WHAT NOW BEFORE EXPECTED: the change from BEFORE to NOW must be EXPECTED
  [ "$(($2 - $3))" = "$4" ] || fail "$1 changed by $(($2 - $3)), expected $4"
}
lag_is() {  # MESSAGES [CONSUMER]: a fresh scrape says so (the lag is measured at most once per poll interval)
  scrape || return 1
  local expected="$1" lag
  shift
  lag="$(consumer_value evt_consumer_lag_messages "$@")"
  [[ " $expected " == *" $lag "* ]] || { echo "lag $lag"; return 1; }
}
category_sql="message_store.category(stream_name) = 'account:command'"
last_command() { query -c "SELECT coalesce(max(global_position), 0) FROM message_store.messages WHERE $category_sql"; }
recorded() {  # POSITION_STREAM
  query -c "SELECT data->>'position' FROM message_store.messages WHERE stream_name = '$1'
            ORDER BY position DESC LIMIT 1"
}
positions_recorded() {  # each consumer's position is what its position stream records, and the last command
  local consumer stream
  for stream in account:command+position account:command+position-reservedCopies; do
    consumer="{category=\"account:command\",position_stream=\"$stream\"}"
    [ "$(consumer_value evt_consumer_position "$consumer")" = "$(recorded "$stream")" ] ||
      fail "position $(consumer_value evt_consumer_position "$consumer"), $stream records $(recorded "$stream")"
    [ "$(recorded "$stream")" = "$(last_command)" ] ||
      fail "$stream recorded $(recorded "$stream"), the last command is $(last_command)"
  done
}
parked_in_store() {
  query -c "SELECT count(*) FROM message_store.messages
            WHERE message_store.category(stream_name) = 'account:command+deadLetter' AND stream_name LIKE '%$p%'"
}

# The format: version 0.0.4, each family described, bound to 127.0.0.1.
scrape
grep -qi '^content-type: text/plain; version=0.0.4; charset=utf-8' "$work/headers" ||
  fail "content type: $(cat "$work/headers")"
for family in evt_consumer_messages_handled_total:counter evt_consumer_errors_total:counter \
    evt_consumer_messages_parked_total:counter evt_consumer_position:gauge evt_consumer_lag_messages:gauge \
    evt_consumer_last_handled_age_seconds:gauge evt_reservations_total:counter; do
  name="${family%:*}"
  [ "$(grep -c "^# HELP $name " "$work/scrape")" = 1 ] || fail "no single HELP line of $name"
  grep -qx "# TYPE $name ${family#*:}" "$work/scrape" || fail "no TYPE line of $name as a ${family#*:}"
done
handled0="$(consumer_value evt_consumer_messages_handled_total)"
parked0="$(consumer_value evt_consumer_messages_parked_total)"
errors0="$(consumer_value evt_consumer_errors_total)"
reserved0="$(reservations reserved)"
ignored0="$(reservations ignored)"
applied0="$(reservations handled)"
from="$(last_command)"

# 1. A poison command (an amount below zero: parked), 6 deposits, 3 of them issued twice.
{
  command_sql Deposit "$account" depositId poison -50
  for key in k1 k2 k3 k4 k5 k6 k1 k2 k3; do command_sql Deposit "$account" depositId "$key" 1; done
} >"$work/phase1.sql"
query -f "$work/phase1.sql" >/dev/null
wait_until_component_handled
scrape

written="$(query -c "SELECT count(*) FROM message_store.messages WHERE $category_sql AND global_position > $from")"
parked="$(parked_in_store)"
[ "$written" = 16 ] || fail "$written commands and copies written, expected 10 issued and 6 copies"
[ "$parked" = 1 ] || fail "$parked parked in the store, expected the poison command"
changed_by "handled (the store: written less parked)" "$(consumer_value evt_consumer_messages_handled_total)" \
  "$handled0" $((written - parked))
changed_by "parked (the store's dead letters)" "$(consumer_value evt_consumer_messages_parked_total)" \
  "$parked0" "$parked"
changed_by "errors (the poison command's)" "$(consumer_value evt_consumer_errors_total)" "$errors0" 1
copies="$(query -c "SELECT count(*) FROM message_store.messages WHERE stream_name LIKE 'account:command-$account+k%'")"
[ "$copies" = 6 ] || fail "$copies reservation copies in the store"
changed_by "reserved (the store's copies)" "$(reservations reserved)" "$reserved0" "$copies"
changed_by "ignored (the commands issued twice)" "$(reservations ignored)" "$ignored0" 3
deposited="$(query -c "SELECT count(*) FROM message_store.messages
                       WHERE stream_name = 'account-$account' AND type = 'Deposited' AND data->>'depositId' LIKE 'k%'")"
changed_by "handled reserved (the store's Deposited)" "$(reservations handled)" "$applied0" "$deposited"
positions_recorded
wait_until 10 "a lag of 0" lag_is 0
[ "$(consumer_value evt_consumer_lag_seconds "$copies_consumer")" = 0 ] ||
  fail "lag seconds $(consumer_value evt_consumer_lag_seconds "$copies_consumer")"

# 2. The account category's write lock held by a session of this script:
# a psql reading from a FIFO, idle once it has the lock. Closing the FIFO
# (or this script ending) ends it, and so its session and the lock.
mkfifo "$work/locker"
query <"$work/locker" >/dev/null 2>&1 &
locker=$!
helpers+=("$locker")
exec 3>"$work/locker"
echo "SELECT pg_advisory_lock(message_store.hash_64('account'));" >&3
account_locks() {  # GRANTED (true or false) COUNT: that many holders (t) or waiters (f) of the account category's lock
  local count
  count="$(query -c "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 1 AND granted = $1
                     AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                     AND ((classid::bigint << 32) | objid::bigint) = message_store.hash_64('account')")" || return 1
  [ "$count" = "$2" ] || { echo "$count with granted = $1"; return 1; }
}
wait_until 10 "the account category's lock held" account_locks true 1
reserved1="$(reservations reserved)"
k=4
for key in l1 l2 l3 l4; do command_sql Deposit "$account" depositId "$key" 1; done >"$work/phase2.sql"
query -1 -f "$work/phase2.sql" >/dev/null
wait_until 30 "the consumer waiting for the lock" account_locks false 1

# The reserved copies' consumer waits at the first copy, having passed the
# commands before it; the reservations' consumer is done.
wait_until 10 "a lag of $k or $((2 * k))" lag_is "$k $((2 * k))" "$copies_consumer"
lag_is 0 "$reservations_consumer" || fail "the reservations' consumer has a lag of $(consumer_value evt_consumer_lag_messages "$reservations_consumer")"
lag="$(consumer_value evt_consumer_lag_messages "$copies_consumer")"
position="$(consumer_value evt_consumer_position "$copies_consumer")"
deposits="$(query -c "SELECT min(global_position) - 1, max(global_position) FROM message_store.messages
                      WHERE stream_name = 'account:command-$account' AND data->>'depositId' LIKE 'l%'")"
[ "$position" = "$([ "$lag" = "$k" ] && echo "${deposits#*|}" || echo "${deposits%|*}")" ] ||
  fail "position $position with a lag of $lag while blocked; before and at the deposits: $deposits"
behind="$(query -c "SELECT count(*) FROM message_store.messages WHERE $category_sql AND global_position > $position")"
[ "$behind" = "$lag" ] || fail "the store has $behind commands after $position, the lag is $lag"
changed_by "reserved while blocked" "$(reservations reserved)" "$reserved1" "$k"
age="$(consumer_value evt_consumer_lag_seconds "$copies_consumer")"
awk -v age="$age" 'BEGIN { exit !(age > 0 && age < 300) }' || fail "lag seconds $age while $k copies wait"
lag_is "$lag" "$copies_consumer" ||
  fail "the lag moved while the consumer was blocked: $(consumer_value evt_consumer_lag_messages "$copies_consumer")"

# Released, it catches up.
exec 3>&-
wait "$locker" || fail "the session holding the lock failed"
wait_until_component_handled
wait_until 10 "a lag of 0" lag_is 0
positions_recorded
changed_by "handled reserved" "$(reservations handled)" "$applied0" $((6 + k))
stop_services
echo "scraped while working: handled, parked, errors, reservations and position as in the store;" \
  "lag 0, then $lag while blocked, then 0"
