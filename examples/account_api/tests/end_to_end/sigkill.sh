#!/usr/bin/env bash
# account-api killed with SIGKILL in the middle of requests (EVT_KILLS times,
# default 6) while four clients deposit with fresh keys, and started again
# each time; then every key is retried until answered (a 202 polled to its
# outcome). Each deposit takes effect exactly once; a retry whose first
# request was answered gets that answer again, replayed; and every outcome
# is the one the first would have had: its deposit, and the balance just
# after it.
#
#   sigkill.sh API_BIN_DIR COMPONENT_BIN_DIR   (PGHOST, PGPORT, EVT_TEST_CONNINFO)
set -euo pipefail
api_bin="$1" bin="$2"
# shellcheck source=support.sh
. "$(dirname "${BASH_SOURCE[0]}")/support.sh"

run="k$RANDOM$RANDOM"
accounts=5 deposits=120
start_service
# A short lease: a retry of a request the kill interrupted waits for it (409) no longer than 3.5 s.
api_options=(--wait-ms 3000 --lease-ms 500)
start_api "${api_options[@]}"
api_port="${url##*:}"  # the same after each restart
for a in $(seq $accounts); do
  status="$(request POST /accounts '{"customerId": "c"}' -H "Idempotency-Key: $run-open-$a")"
  expect "open $a" 201 "$status"
  member .id >>"$work/accounts"
done

# KEY ACCOUNT AMOUNT lines, dealt to four clients.
for k in $(seq $deposits); do
  echo "$run-d-$k $(sed -n "$((k % accounts + 1))p" "$work/accounts") $((k % 9 + 1)).$((k % 100))"
done >"$work/deposits"

# One deposit: "STATUS REPLAYED" in $work/answers/KEY.status, the body in KEY.body.
deposit() {  # KEY ACCOUNT AMOUNT
  local status
  status="$(curl -sS --max-time 20 -o "$work/answers/$1.body" -D "$work/answers/$1.headers" -w '%{http_code}' \
    -H 'Content-Type: application/json' -H "Idempotency-Key: $1" --data-binary "{\"amount\": \"$3\"}" \
    "$url/accounts/$2/deposits" 2>/dev/null)" || status="failed"
  echo "$status $(grep -i '^Idempotent-Replayed:' "$work/answers/$1.headers" 2>/dev/null | cut -d' ' -f2 | tr -d '\r')" \
    >"$work/answers/$1.status"
}
mkdir "$work/answers" "$work/first"
client() {  # N: the deposits dealt to it, one at a time
  local key account amount
  awk -v n="$1" 'NR % 4 == n' "$work/deposits" | while read -r key account amount; do
    deposit "$key" "$account" "$amount"
    cp "$work/answers/$key.status" "$work/first/$key.status"
    cp "$work/answers/$key.body" "$work/first/$key.body" 2>/dev/null || true
  done
}
for n in 0 1 2 3; do
  client $n &
  helpers+=($!)
done

kills=0
while [ "$kills" -lt "${EVT_KILLS:-6}" ]; do
  sleep "0.$((RANDOM % 5 + 3))"
  kill_api
  kills=$((kills + 1))
  start_api "${api_options[@]}"
done
for n in 0 1 2 3; do wait "${helpers[$n]}" || fail "client $n gave up"; done
answered_first="$(cat "$work"/first/*.status | grep -c '^20[12] ' || true)"

# Every key again, until answered (409 while a killed request's lease runs; no answer while the API restarts);
# a 202 (its outcome not seen within --wait-ms on a loaded machine) is polled until its outcome is there.
retry() {  # KEY ACCOUNT AMOUNT
  local deadline=$((SECONDS + 60))
  until deposit "$@" && grep -q '^20[12] ' "$work/answers/$1.status"; do
    grep -q '^\(409\|503\|failed\) ' "$work/answers/$1.status" ||
      { echo "FAILED: $1: $(cat "$work/answers/$1.status") $(cat "$work/answers/$1.body")" >&2; return 1; }
    [ "$SECONDS" -lt "$deadline" ] || { echo "FAILED: $1 not answered in 60 s" >&2; return 1; }
    sleep 0.3
  done
  cp "$work/answers/$1.body" "$work/answers/$1.outcome"
  grep -q '^202 ' "$work/answers/$1.status" || return 0
  until [ "$(curl -sS -o "$work/answers/$1.outcome" -w '%{http_code}' "$url/accounts/$2/deposits/$1")" = 200 ]; do
    [ "$SECONDS" -lt "$deadline" ] || { echo "FAILED: $1: no outcome in 60 s" >&2; return 1; }
    sleep 0.3
  done
}
export -f deposit retry
export work url
xargs -P 8 -L 1 bash -c 'retry "$@"' -- <"$work/deposits" || fail "a retry was not answered"

# Exactly once, and each answer the one the first would have been.
query -c "SELECT data->>'depositId', stream_name, position, data->>'amount' FROM message_store.messages
          WHERE stream_name IN ($(sed "s/.*/'account-&'/" "$work/accounts" | paste -sd,)) AND type = 'Deposited'" \
  | tr '|' ' ' | sort >"$work/deposited"
[ "$(wc -l <"$work/deposited")" = $deposits ] || fail "$(wc -l <"$work/deposited") deposits in the accounts, not $deposits"
[ "$(cut -d' ' -f1 "$work/deposited" | sort -u | wc -l)" = $deposits ] || fail "a deposit took effect twice"
while read -r key account amount; do
  body="$work/answers/$key.outcome"
  [ "$(jq -r '.outcome + " " + .amount + " " + .accountId' "$body")" = "Deposited $amount $account" ] ||
    fail "$key: $(cat "$body")"
  id="$(jq -r .depositId "$body")" position="$(jq -r .position "$body")"
  grep -q "^$id account-$account $position $amount\$" "$work/deposited" || fail "$key: $(cat "$body") is not its deposit in the store"
  expected_balance="$(query -c "SELECT sum((data->>'amount')::numeric) FROM message_store.messages
                                WHERE stream_name = 'account-$account' AND type = 'Deposited' AND position <= $position")"
  [ "$(jq -r .balance "$body")" = "$expected_balance" ] || fail "$key: balance $(jq -r .balance "$body"), not $expected_balance"
  if grep -q '^20[12] ' "$work/first/$key.status"; then
    cmp -s "$work/answers/$key.body" "$work/first/$key.body" || fail "$key: the retry's answer differs from the first's"
    grep -q '^20[12] true' "$work/answers/$key.status" || fail "$key: a retry of an answered request not replayed"
  fi
done <"$work/deposits"
stop_api
stop_services
echo "killed with SIGKILL $kills times while 4 clients made $deposits deposits ($answered_first answered at first):" \
  "after retries each took effect once, and every answer names its deposit and the balance just after it"
