#!/usr/bin/env bash
# Eight processes open the same account with the same key at once (and the
# payment service fails now and then): every one answers the same response,
# the account is opened, charged and credited once; the same key with
# another amount is refused. Usage: concurrent_same_key.sh ACCOUNT_OPENING
set -euo pipefail
program=$1
database=${EVT_TEST_CONNINFO:?}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

key="concurrent-$(cat /proc/sys/kernel/random/uuid)"
account=$(cat /proc/sys/kernel/random/uuid)
customer=$(cat /proc/sys/kernel/random/uuid)
open() {  # retries while the payment service fails (exit 3)
  local n=$1 status
  for attempt in $(seq 1 50); do
    status=0
    "$program" open --key "$key" --account "$account" --customer "$customer" --amount 250.50 \
      --payment-failure-rate 0.2 --seed "$n$attempt" --database "$database" >"$work/out.$n" 2>"$work/err.$n" || status=$?
    [[ $status -ne 3 ]] && break
    echo "process $n: payment failed, retrying" >>"$work/retries"
  done
  echo "$status" >"$work/status.$n"
}
for n in 1 2 3 4 5 6 7 8; do open "$n" & done
wait

for n in 1 2 3 4 5 6 7 8; do
  if [[ $(cat "$work/status.$n") != 0 ]]; then
    echo "process $n failed:"; cat "$work/err.$n"; exit 1
  fi
done
responses=$(for n in 1 2 3 4 5 6 7 8; do head -n 1 "$work/out.$n"; done | sort -u)
if [[ $(wc -l <<<"$responses") != 1 ]]; then echo "different responses:"; echo "$responses"; exit 1; fi
echo "all 8 answered: $responses"
echo "payment retries: $(cat "$work/retries" 2>/dev/null | wc -l)"
"$program" check --key "$key" --account "$account" --customer "$customer" --amount 250.50 --database "$database"

status=0
"$program" open --key "$key" --account "$account" --customer "$customer" --amount 999 --database "$database" \
  >/dev/null 2>"$work/mismatch" || status=$?
grep -q "Idempotency key was used for a different request (Key: $key" "$work/mismatch" || { cat "$work/mismatch"; exit 1; }
[[ $status == 1 ]] || { echo "another request with the same key: exit $status, not 1"; exit 1; }
echo "another request with the same key refused: $(cat "$work/mismatch")"
