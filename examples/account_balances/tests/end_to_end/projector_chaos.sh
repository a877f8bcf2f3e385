#!/usr/bin/env bash
# The account_balances projector killed (SIGKILL) again and again while the
# account component applies commands: at the end every account's row is
# exactly its balance (each deposit and withdrawal counted once), and a
# rebuild from the first event gives the same table as the incremental run.
# Usage: projector_chaos.sh ACCOUNT_COMPONENT_DIR ACCOUNT_BALANCES
set -euo pipefail
bin=$1
balances=$2
: "${EVT_TEST_CONNINFO:?}" "${PGHOST:?}"
# shellcheck source=../../../account_component/tests/end_to_end/support.sh
. "$(dirname "$0")/../../../account_component/tests/end_to_end/support.sh"
kills=${EVT_KILLS:-10}

# The table, made by a role that may create tables, written by the service's.
"$balances" install --database "$EVT_TEST_CONNINFO user=postgres"
query -U postgres -c "GRANT SELECT, INSERT, UPDATE, DELETE ON account_balances TO message_store" >/dev/null

prefix="balances$RANDOM$RANDOM"
open_accounts "$prefix" 20
start_service
: >"$work/commands"
for i in $(seq 300); do
  account="$prefix-$((RANDOM % 20 + 1))"
  if ((RANDOM % 3)); then
    echo "Deposit $account depositId d$i $((RANDOM % 100 + 1))" >>"$work/commands"
  else
    echo "Withdraw $account withdrawalId w$i $((RANDOM % 10 + 1))" >>"$work/commands"
  fi
done
expect_balances
# The commands arrive over a few seconds while the projector is killed.
(while read -r type account key id amount; do
   command_sql "$type" "$account" "$key" "$id" "$amount"
 done <"$work/commands" | split -l 30 - "$work/chunk."
 for chunk in "$work"/chunk.*; do query -f "$chunk" >/dev/null; sleep 0.3; done) &
helpers+=($!)

projector=("$balances" run --database "$EVT_TEST_CONNINFO" --batch-size 7 --poll-interval-ms 20)
kill_repeatedly "$kills" "$work/projector.log" "${projector[@]}"
wait "${helpers[@]}"
wait_until_component_handled
stop_services

# Caught up by one more run, stopped cleanly.
"${projector[@]}" >"$work/final.log" 2>&1 &
pid=$!
services+=($pid)
wait_for_line "$work/final.log" "^Projecting"
wait_until_handled account account:position-accountBalances
kill -TERM "$pid"
wait "$pid" || fail "account-balances run did not stop cleanly: $(tail -3 "$work/final.log")"
services=()

"$balances" show --database "$EVT_TEST_CONNINFO" | awk -v prefix="$prefix-" 'index($1, prefix) == 1 { print $1, $3 + 0 }' |
  sort >"$work/table"
awk '{ print $1, $2 }' "$work/expected" | sort >"$work/expected.sorted"
diff "$work/expected.sorted" "$work/table" || fail "account_balances differs from the commands' balances (expected < > table)"
counts="$("$balances" show --database "$EVT_TEST_CONNINFO" | awk -v prefix="$prefix-" 'index($1, prefix) == 1 { d += $4; w += $5 } END { print d, w }')"
events="$(query -c "SELECT count(*) FILTER (WHERE type = 'Deposited') || ' ' || count(*) FILTER (WHERE type = 'Withdrawn')
                    FROM message_store.messages WHERE stream_name LIKE 'account-$prefix-%'")"
[ "$counts" = "$events" ] || fail "the table counts $counts deposits/withdrawals, the store has $events"
echo "projector killed $killed of $kills times; 20 accounts, $events deposits/withdrawals: each counted once, balances exact"
"$balances" check --database "$EVT_TEST_CONNINFO"
