#!/usr/bin/env bash
# account-component killed with SIGKILL at random moments (EVT_KILLS times,
# default 10) while valid deposits (each issued twice) and commands it must
# park (negative amounts) arrive interleaved, so that many kills fall while
# it parks. Parking and the position past the parked message are one
# transaction: afterwards every bad command is parked exactly once, every
# valid one applied exactly once, every balance exact.
#
#   poison_crash.sh BIN_DIR   (PGHOST, PGPORT, EVT_TEST_CONNINFO)
set -euo pipefail
bin="$1"
# shellcheck source=support.sh
. "$(dirname "${BASH_SOURCE[0]}")/support.sh"

prefix="parkkill$RANDOM$RANDOM"
accounts=5
open_accounts "$prefix" $accounts
kills_wanted="${EVT_KILLS:-10}"

# 100 deposits (each issued twice, the second 10 commands later) and 100
# deposits of a negative amount, interleaved: every other command is parked.
: >"$work/commands"
: >"$work/poison"
for k in $(seq 100); do
  echo "Deposit $prefix-$((k % accounts + 1)) depositId d-$prefix-$k $((k % 9 + 1))" >>"$work/commands"
  echo "Deposit $prefix-$((k % accounts + 1)) depositId bad-$prefix-$k -$k" >>"$work/poison"
done
reissued_later 10 "$work/commands" | paste -d '\n' - "$work/poison" | sed '/^$/d' | commands_sql 0.005 >"$work/issue.sql"
expect_balances

start_service
wait_until_component_handled
issue_while_killing "$work/issue.sql" "$kills_wanted"

wait_until_component_handled
stop_services
check_accounts "$prefix"

parked="$(query -c "SELECT count(*), count(DISTINCT metadata->'deadLetter'->>'messageId'),
                           count(DISTINCT data->>'depositId')
                    FROM message_store.messages WHERE message_store.category(stream_name) = 'account:command+deadLetter'
                    AND stream_name LIKE 'account:command+deadLetter-$prefix-%'")"
[ "$parked" = "100|100|100" ] || fail "parked (copies|messages|deposit ids): $parked, expected 100|100|100"
wrong="$(query -c "SELECT count(*) FROM message_store.messages
                   WHERE stream_name LIKE 'account:command+deadLetter-$prefix-%'
                   AND metadata->'deadLetter'->>'error' NOT LIKE 'Amount must be greater than zero%'")"
[ "$wrong" = 0 ] || fail "$wrong parked for another reason"
echo "killed with SIGKILL $kills times while 300 commands arrived, 100 of them to park: each parked once, every valid one applied once, balances exact"
