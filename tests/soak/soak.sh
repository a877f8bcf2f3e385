#!/usr/bin/env bash
# Soak: resident memory stays flat after warm-up
#   1. in a consumer handling EVT_SOAK_MESSAGES typed messages (default
#      50,000; the long version 1,000,000) while they are being written;
#   2. in account-component handling EVT_SOAK_COMMANDS deposits (default
#      5,000; the long version 1,000,000), each issued twice: every one
#      applied once, balances exact.
# Growth from warm-up (two fifths of the way: sanitized builds take that
# long to settle) to the end must stay within
# EVT_SOAK_GROWTH_MIB (default 8). Figures are printed.
#
#   soak.sh BIN_DIR CONSUMER_SOAK   (PGHOST, PGPORT, EVT_TEST_CONNINFO)
#   EVT_SOAK_MESSAGES=1000000 EVT_SOAK_COMMANDS=1000000 soak.sh ...   the long version
set -euo pipefail
bin="$1"
consumer_soak="$2"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../../examples/account_component/tests/end_to_end/support.sh
. "$here/../../examples/account_component/tests/end_to_end/support.sh"
messages="${EVT_SOAK_MESSAGES:-50000}"
commands="${EVT_SOAK_COMMANDS:-5000}"
growth="${EVT_SOAK_GROWTH_MIB:-8}"
# Sanitized builds: a small quarantine, or ASan's own cache of freed memory
# (256 MiB by default) would be what is measured.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=4"

"$consumer_soak" "$messages" "$growth"

prefix="soak$RANDOM$RANDOM"
accounts=50
open_accounts "$prefix" $accounts
start_service
service="${services[0]}"
wait_for_events "$prefix" $((accounts * 2)) 120
rss() { awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$service/status"; }

# Deposit k (amount 1) goes to account k % 50 + 1; written in chunks of
# 1,000 commands (500 deposits, each twice) as any client would write them.
seq "$commands" | awk -v p="$prefix" -v n=$accounts '{ print "Deposit " p "-" ($1 % n + 1) " depositId d-" p "-" $1 " 1" }' \
  >"$work/commands"
expect_balances
warm=""
for ((first = 1; first <= commands; first += 500)); do
  last=$((first + 499 > commands ? commands : first + 499))
  query -v prefix="$prefix" -v first=$first -v last=$last -v accounts=$accounts >/dev/null <<'SQL'
SELECT message_store.write_message(gen_random_uuid()::text, 'account:command-' || :'prefix' || '-' || (k % :accounts + 1),
  'Deposit', jsonb_build_object('depositId', 'd-' || :'prefix' || '-' || k, 'accountId', :'prefix' || '-' || (k % :accounts + 1),
                                'amount', 1, 'time', '2026-11-24T12:00:00.000Z'))
FROM generate_series(:first, :last) k, generate_series(1, 2) copy;
SQL
  # Not too far ahead of the service: memory is measured while it works.
  deadline=$((SECONDS + 300))
  while [ "$(query -c "SELECT count(*) FROM message_store.messages WHERE stream_name LIKE 'account-$prefix%' AND type = 'Deposited'")" \
          -lt $((last - 2000)) ]; do
    kill -0 "$service" 2>/dev/null || fail "account-component exited: $(tail -5 "$work/service.log")"
    [ "$SECONDS" -lt "$deadline" ] || fail "account-component handled nothing for 300 s: $(tail -5 "$work/service.log")"
    sleep 0.2
  done
  if [ -z "$warm" ] && [ "$last" -ge $((commands * 2 / 5)) ]; then
    warm="$(rss)"
  fi
  if [ $((last % (commands / 10 > 500 ? commands / 10 / 500 * 500 : 500))) = 0 ]; then
    echo "  $last deposits issued: account-component resident memory $(rss) MiB"
  fi
done
wait_for_events "$prefix" $((accounts * 2 + commands)) $((commands / 20 + 120))
end="$(rss)"
stop_services
check_accounts "$prefix"
echo "account-component soak: $((commands * 2)) commands for $commands deposits, each applied once, balances exact;" \
  "resident memory after warm-up $warm MiB, at the end $end MiB (allowed growth $growth MiB)"
awk -v w="$warm" -v e="$end" -v g="$growth" 'BEGIN { exit !(e - w <= g) }' ||
  fail "account-component grew from $warm to $end MiB"
