#!/usr/bin/env bash
# Guarantees that hold alone, meeting: an operator's replay of everything
# parked, after a client wrote a reserved copy again, must not apply the
# deposit twice (the duplicate is parked as not replayable, and
# `evt parked replay --all` says why and exits 1); and a Close a client
# wrote with the reservation's marker, after the account's deposits were
# written through the reserved copies' cache and the account was closed,
# must not make that consumer retry a stale account for ever: every other
# account's commands go on.
#
#   replays_and_foreign_messages.sh BIN_DIR EVT   (PGHOST, PGPORT, EVT_TEST_CONNINFO)
set -euo pipefail
bin="$1"
evt="$2"
# shellcheck source=support.sh
. "$(dirname "${BASH_SOURCE[0]}")/support.sh"

p="composed$RANDOM$RANDOM"
balance() {  # ACCOUNT
  query -c "SELECT coalesce(sum(CASE type WHEN 'Deposited' THEN (data->>'amount')::numeric
                                          WHEN 'Withdrawn' THEN -(data->>'amount')::numeric END), 0)
            FROM message_store.messages WHERE stream_name = 'account-$1'"
}
events() {  # ACCOUNT TYPE
  query -c "SELECT count(*) FROM message_store.messages WHERE stream_name = 'account-$1' AND type = '$2'"
}
has_balance() {  # ACCOUNT AMOUNT
  local now
  now="$(balance "$1")"
  [ "$now" = "$2" ] || { echo "balance of $1 is $now"; return 1; }
}
parked_from() {  # STREAM
  query -c "SELECT count(*) FROM message_store.messages
            WHERE message_store.category(stream_name) = 'account:command+deadLetter'
              AND metadata->'deadLetter'->>'streamName' = '$1'"
}
is_parked() {  # STREAM
  [ "$(parked_from "$1")" -ge 1 ] || { echo "nothing parked from $1"; return 1; }
}
has_events() {  # ACCOUNT TYPE COUNT
  [ "$(events "$1" "$2")" -ge "$3" ] || { echo "$(events "$1" "$2") $2 in account-$1"; return 1; }
}

start_service
a="$p-a" b="$p-b" c="$p-c"
{
  open_sql "$a"
  command_sql Deposit "$a" depositId "d1-$p" 100
  open_sql "$b"
  command_sql Deposit "$b" depositId "d2-$p" 10
} | query >/dev/null
wait_until 60 "the deposit to $a" has_balance "$a" 100
wait_until 60 "the deposit to $b" has_balance "$b" 10

# 1. The reserved copy written again into its reservation stream: parked;
# replaying everything parked must not apply it.
reservation="account:command-$a+d1-$p"
query -c "SELECT message_store.write_message(gen_random_uuid()::text, stream_name, type, data::jsonb, metadata::jsonb)
          FROM message_store.messages WHERE stream_name = '$reservation' AND position = 0" >/dev/null
wait_until 60 "the copy written again parked" is_parked "$reservation"
status=0
"$evt" parked replay --all account:command --database "$EVT_TEST_CONNINFO" >"$work/replay.out" 2>&1 || status=$?
[ "$status" = 1 ] || fail "evt parked replay --all exited $status, not 1: $(cat "$work/replay.out")"
grep -q "Not replayable" "$work/replay.out" || fail "the refusal does not say why: $(cat "$work/replay.out")"
query -c "SELECT message_store.write_message(gen_random_uuid()::text, 'account:command-$a', 'Deposit',
          '{\"depositId\": \"d3-$p\", \"accountId\": \"$a\", \"amount\": 1, \"time\": \"2026-12-07T10:00:00.000Z\"}')" >/dev/null
wait_until 60 "the next deposit to $a" has_events "$a" Deposited 2
[ "$(balance "$a")" = 101 ] || fail "the copy written again took effect on replay: balance of $a is $(balance "$a"), not 101"

# 2. Account b closed, then a Close with a forged marker: the reserved
# copies' consumer gets it, with b in its cache as its deposit left it.
query -c "SELECT message_store.write_message(gen_random_uuid()::text, 'account:command-$b', 'Close',
          '{\"accountId\": \"$b\", \"time\": \"2026-12-07T10:00:00.000Z\"}')" >/dev/null
wait_until 60 "$b closed" has_events "$b" Closed 1
query -c "SELECT message_store.write_message(gen_random_uuid()::text, 'account:command-$b', 'Close',
          '{\"accountId\": \"$b\", \"time\": \"2026-12-07T10:00:00.000Z\"}', '{\"localProperties\": {\"reserved\": \"x\"}}')" >/dev/null
{
  open_sql "$c"
  command_sql Deposit "$c" depositId "d4-$p" 50
} | query >/dev/null
wait_until 30 "the deposit to $c, after the forged Close" has_balance "$c" 50
[ "$(events "$b" Closed)" = 1 ] || fail "$b closed $(events "$b" Closed) times"
stop_services
echo "a copy written again was parked as not replayable and replaying everything applied nothing twice;" \
  "a forged Close after a written-through deposit stalled nothing"
