#!/usr/bin/env bash
# account-component killed with SIGKILL at random moments (EVT_KILLS times,
# default 20) while commands keep arriving (each deposit and withdrawal
# issued twice, some time apart), and started again each time. Nothing may
# be lost and nothing applied twice: every command takes effect exactly once
# (applied, or rejected when it asks too much) and every balance is exact.
#
#   sigkill_restart.sh BIN_DIR   (PGHOST, PGPORT, EVT_TEST_CONNINFO)
set -euo pipefail
bin="$1"
# shellcheck source=support.sh
. "$(dirname "${BASH_SOURCE[0]}")/support.sh"

prefix="kill$RANDOM$RANDOM"
accounts=10
open_accounts "$prefix" $accounts

kills_wanted="${EVT_KILLS:-20}"

# 150 deposits, 40 withdrawals and 10 rejected ones, each written twice:
# the second time 20 commands later. A few milliseconds between writes:
# about 3 s in all.
: >"$work/commands"
for k in $(seq 150); do echo "Deposit $prefix-$((k % accounts + 1)) depositId d-$prefix-$k $((k % 9 + 1))" >>"$work/commands"; done
for k in $(seq 40); do echo "Withdraw $prefix-$((k % accounts + 1)) withdrawalId w-$prefix-$k $((k % 4 + 1))" >>"$work/commands"; done
for k in $(seq 41 50); do echo "Withdraw $prefix-$((k % accounts + 1)) withdrawalId w-$prefix-$k $too_much" >>"$work/commands"; done
shuf "$work/commands" -o "$work/commands"
reissued_later 20 "$work/commands" | commands_sql 0.007 >"$work/issue.sql"
expect_balances

# Caught up first (with whatever earlier tests left in account:command), so
# that the kills fall on these commands.
start_service
wait_until_component_handled
issue_while_killing "$work/issue.sql" "$kills_wanted"

wait_until_component_handled
stop_services
check_accounts "$prefix"
echo "killed with SIGKILL $kills times while 400 commands (200 distinct) arrived: each applied or rejected once, every balance exact"
