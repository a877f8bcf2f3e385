#!/usr/bin/env bash
# Many identical requests at once with one Idempotency-Key (curl, 32 at a
# time, EVT_PARALLEL_ROUNDS rounds of fresh keys, default 5): one Deposited
# per key, and every answer either the same 201 (the first, or its replay)
# or a 409 while the first is answered.
#
#   parallel.sh API_BIN_DIR COMPONENT_BIN_DIR   (PGHOST, PGPORT, EVT_TEST_CONNINFO)
set -euo pipefail
api_bin="$1" bin="$2"
# shellcheck source=support.sh
. "$(dirname "${BASH_SOURCE[0]}")/support.sh"

run="p$RANDOM$RANDOM"
start_service
start_api --wait-ms 5000
status="$(request POST /accounts '{"customerId": "c"}' -H "Idempotency-Key: $run-open")"
expect "open" 201 "$status"
account="$(member .id)"

# One request, its answer as "STATUS REPLAYED BODY" in $work/answers/N.answer.
deposit_once() {  # KEY N
  local status
  status="$(curl -sS -o "$work/answers/$2.body" -D "$work/answers/$2.headers" -w '%{http_code}' \
    -H 'Content-Type: application/json' -H "Idempotency-Key: $1" --data-binary '{"amount": "2.50"}' \
    "$url/accounts/$account/deposits")" || status="curl-failed"
  echo "$status $(grep -i '^Idempotent-Replayed:' "$work/answers/$2.headers" | cut -d' ' -f2 | tr -d '\r') \
$(cat "$work/answers/$2.body")" >"$work/answers/$2.answer"
}
export -f deposit_once
export work url account

rounds="${EVT_PARALLEL_ROUNDS:-5}"
for round in $(seq "$rounds"); do
  key="$run-$round"
  rm -rf "$work/answers" && mkdir "$work/answers"
  seq 32 | xargs -P 32 -I{} bash -c "deposit_once $key {}"
  cat "$work"/answers/*.answer >"$work/round"
  count() { grep -c "$1" "$work/round" || true; }
  created="$(count '^201 ')" in_flight="$(count '^409 ')"
  [ "$((created + in_flight))" = 32 ] || fail "round $round: answers other than 201 and 409: $(grep -v '^\(201\|409\) ' "$work/round" | head -3)"
  [ "$created" -ge 1 ] || fail "round $round: no 201 among 32 answers"
  [ "$(count '^201  ')" = 1 ] || fail "round $round: not exactly one first answer (not replayed)"
  [ "$(grep '^201 ' "$work/round" | cut -d' ' -f3- | sort -u | wc -l)" = 1 ] ||
    fail "round $round: the 201s differ: $(grep '^201 ' "$work/round" | cut -d' ' -f3- | sort -u)"
  [ "$(count '^409 .*/problems/request-in-flight')" = "$in_flight" ] || fail "round $round: a 409 that is not request-in-flight"
  deposits="$(count_messages "stream_name = 'account-$account' AND type = 'Deposited'")"
  [ "$deposits" = "$round" ] || fail "round $round: $deposits deposits in the account, not $round"
  echo "round $round: $created answers 201 (one first, the rest replayed), $in_flight answers 409, one deposit"
done
status="$(request GET "/accounts/$account" '')"
[ "$(member .balance)" = "$(awk -v r="$rounds" 'BEGIN { printf "%.2f", r * 2.5 }')" ] || fail "balance $(member .balance) after $rounds deposits of 2.50"
stop_api
stop_services
echo "$rounds rounds of 32 identical requests at once: one deposit each, every answer the same 201 or a 409"
