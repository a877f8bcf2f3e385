#!/usr/bin/env bash
# Two account-component processes as a consumer group; eight processes
# issue overlapping, duplicated deposits and withdrawals to 20 accounts at
# once. Every deposit and withdrawal must take effect exactly once and each
# balance be exactly what the distinct commands make it.
#
#   concurrent_duplicates.sh BIN_DIR   (PGHOST, PGPORT, EVT_TEST_CONNINFO)
set -euo pipefail
bin="$1"
# shellcheck source=support.sh
. "$(dirname "${BASH_SOURCE[0]}")/support.sh"

prefix="e2e$RANDOM$RANDOM"
accounts=20
start_service --group-member 0 --group-size 2
start_service --group-member 1 --group-size 2

# Withdrawals take at most 3 x 5 from an account: never rejected.
open_accounts "$prefix" $accounts

# 200 deposits and 60 withdrawals; process p issues the ones numbered p mod
# 8 and 100 others at random, in random order: every command is issued at
# least once, most of them several times, by processes running at once.
: >"$work/commands"
for k in $(seq 200); do echo "Deposit $prefix-$((k % accounts + 1)) depositId d-$prefix-$k $((k % 7 + 1))" >>"$work/commands"; done
for k in $(seq 60); do echo "Withdraw $prefix-$((k % accounts + 1)) withdrawalId w-$prefix-$k $((k % 5 + 1))" >>"$work/commands"; done
issuers=()
for p in $(seq 0 7); do
  { awk -v p="$p" 'NR % 8 == p' "$work/commands"; shuf -n 100 "$work/commands"; } | shuf |
    while read -r type account key id amount; do command_sql "$type" "$account" "$key" "$id" "$amount"; done >"$work/issuer-$p.sql"
  query -f "$work/issuer-$p.sql" >/dev/null &
  issuers+=($!)
done
for pid in "${issuers[@]}"; do wait "$pid" || fail "an issuing process failed"; done

expect_balances
issued="$(cat "$work"/issuer-*.sql | wc -l)"
wait_until_component_handled 2
stop_services
check_accounts "$prefix"
echo "2 group members, 8 issuing processes, $issued commands issued for 260 distinct ones over $accounts accounts:" \
  "each applied once, every balance exact"
