#!/usr/bin/env bash
# account-api with curl, beside the account component: every rule of the
# Idempotency-Key header (replay, also after a restart; 422 for another
# request with a key; 409 while the first is answered; 400 for a missing
# or unusable key), bearer tokens and keys scoped to them, problems for bad
# input, 202 and polling, the account with its ETag, TLS, the metrics and
# the OpenAPI document.
#
#   rules.sh API_BIN_DIR COMPONENT_BIN_DIR   (PGHOST, PGPORT, EVT_TEST_CONNINFO)
set -euo pipefail
api_bin="$1" bin="$2"
# shellcheck source=support.sh
. "$(dirname "${BASH_SOURCE[0]}")/support.sh"

mobile="$(openssl rand -hex 32)" partner="$(openssl rand -hex 32)"
printf 'mobile %s\npartner %s\n' "$mobile" "$partner" >"$work/tokens"
as_mobile=(-H "Authorization: Bearer $mobile")
as_partner=(-H "Authorization: Bearer $partner")
run="r$RANDOM$RANDOM"  # keys of this run

start_service
start_api --tokens-file "$work/tokens" --wait-ms 5000 --lease-ms 2000 --metrics-port 0
metrics_url="$(grep -o 'Metrics on [^ ]*' "$api_log" | cut -d' ' -f3)"

# --- Nobody else gets in: no token, a wrong one, another scheme: 401, nothing written.
before="$(count_messages "true")"
status="$(request POST /accounts '{"customerId": "c"}' -H "Idempotency-Key: $run-open")"
expect "no token" 401 "$status" unauthorized
[ "$(header WWW-Authenticate)" = 'Bearer realm="account-api"' ] || fail "401 without a Bearer challenge"
status="$(request POST /accounts '{"customerId": "c"}' -H "Idempotency-Key: $run-open" -H "Authorization: Bearer ${mobile}0")"
expect "a wrong token" 401 "$status" unauthorized
status="$(request POST /accounts '{"customerId": "c"}' -H "Idempotency-Key: $run-open" -H "Authorization: Basic $mobile")"
expect "another scheme" 401 "$status" unauthorized
status="$(request GET /accounts/x '' -H "Authorization: Bearer $partner$partner")"
expect "a wrong token on a GET" 401 "$status" unauthorized
[ "$(count_messages "true")" = "$before" ] || fail "a request without a good token wrote something"

# --- Open: 201 with Location; the same request again: the record, replayed.
status="$(request POST /accounts '{"customerId": "c-1"}' "${as_mobile[@]}" -H "Idempotency-Key: \"$run-open\"")"
expect "open" 201 "$status"
account="$(member .id)"
[ "$(header Location)" = "/accounts/$account" ] || fail "open: Location $(header Location)"
[ -z "$(header Idempotent-Replayed)" ] || fail "a first answer marked replayed"
cp "$work/body" "$work/opened"
status="$(request POST /accounts '{"customerId": "c-1"}' "${as_mobile[@]}" -H "Idempotency-Key: $run-open")"
expect "open again" 201 "$status"
[ "$(header Idempotent-Replayed)" = true ] || fail "a repeated open not marked replayed"
cmp -s "$work/body" "$work/opened" || fail "a replayed open differs: $(cat "$work/body")"
[ "$(count_messages "stream_name = 'account:command-$account' AND type = 'Open'")" = 1 ] || fail "open written twice"
status="$(request GET "/accounts/$account" '' "${as_mobile[@]}")"
expect "the account" 200 "$status"
[ "$(member .balance)/$(member .status)/$(member .customerId)" = "0/open/c-1" ] || fail "account: $(cat "$work/body")"
etag="$(header ETag)"
status="$(request GET "/accounts/$account" '' "${as_mobile[@]}" -H "If-None-Match: $etag")"
expect "the account unchanged" 304 "$status"
status="$(request GET "/accounts/nosuch-$run" '' "${as_mobile[@]}")"
expect "an account never opened" 404 "$status" unknown-account

# --- Deposit: 201 with the balance after it; repeated (the amount as a JSON number: the body as parsed): replayed.
deposits="/accounts/$account/deposits"
status="$(request POST "$deposits" '{"amount": "11.50"}' "${as_mobile[@]}" -H "Idempotency-Key: $run-d1")"
expect "deposit" 201 "$status"
[ "$(member .outcome)/$(member .amount)/$(member .balance)" = "Deposited/11.50/11.50" ] || fail "deposit: $(cat "$work/body")"
[ "$(header Location)" = "$deposits/$run-d1" ] || fail "deposit: Location $(header Location)"
cp "$work/body" "$work/deposited"
status="$(request POST "$deposits" '{"amount": 11.50}' "${as_mobile[@]}" -H "Idempotency-Key: $run-d1")"
expect "deposit again" 201 "$status"
[ "$(header Idempotent-Replayed)" = true ] || fail "a repeated deposit not marked replayed"
cmp -s "$work/body" "$work/deposited" || fail "a replayed deposit differs: $(cat "$work/body")"
[ "$(header Location)" = "$deposits/$run-d1" ] || fail "a replayed deposit lost its Location"
status="$(request GET "$deposits/$run-d1" '' "${as_mobile[@]}")"
expect "the deposit polled" 200 "$status"
[ "$(member .balance)" = 11.50 ] || fail "polled deposit: $(cat "$work/body")"
status="$(request GET "/accounts/$account/withdrawals/$run-d1" '' "${as_mobile[@]}")"
expect "a deposit's key polled as a withdrawal" 404 "$status" unknown-withdrawal
status="$(request GET "/accounts/nosuch-$run/deposits/$run-d1" '' "${as_mobile[@]}")"
expect "a deposit's key polled on another account" 404 "$status" unknown-deposit
# A quoted key with quotes inside: its Location names it as it is, and polls find it, not another.
status="$(request POST "$deposits" '{"amount": "0.25"}' "${as_mobile[@]}" -H "Idempotency-Key: \"\\\"$run-q\\\"\"")"
expect "a key with quotes in it" 201 "$status"
quoted_location="$(header Location)"
[ "$quoted_location" = "$deposits/%22$run-q%22" ] || fail "a quoted key's Location: $quoted_location"
status="$(request GET "$quoted_location" '' "${as_mobile[@]}")"
[ "$status/$(member .amount)" = 200/0.25 ] || fail "a quoted key's poll: $status $(cat "$work/body")"

# --- The key reused for another request: 422, nothing written.
status="$(request POST "$deposits" '{"amount": "12"}' "${as_mobile[@]}" -H "Idempotency-Key: $run-d1")"
expect "the key with another amount" 422 "$status" idempotency-key-reused
status="$(request POST /accounts/other/deposits '{"amount": "11.50"}' "${as_mobile[@]}" -H "Idempotency-Key: $run-d1")"
expect "the key on another account" 422 "$status" idempotency-key-reused
status="$(request POST "/accounts/$account/withdrawals" '{"amount": "11.50"}' "${as_mobile[@]}" -H "Idempotency-Key: $run-d1")"
expect "the key on another route" 422 "$status" idempotency-key-reused

# --- Missing or unusable keys: 400.
status="$(request POST "$deposits" '{"amount": "1"}' "${as_mobile[@]}")"
expect "no key" 400 "$status" idempotency-key
status="$(request POST "$deposits" '{"amount": "1"}' "${as_mobile[@]}" -H "Idempotency-Key: $(printf 'k%.0s' $(seq 256))")"
expect "a key of 256 bytes" 400 "$status" idempotency-key
status="$(request POST "$deposits" '{"amount": "1"}' "${as_mobile[@]}" -H "Idempotency-Key: \"unterminated")"
expect "a malformed quoted key" 400 "$status" idempotency-key

# --- Bad input: problems, never a 500, nothing written.
before="$(count_messages "stream_name = 'account:command-$account'")"
status="$(request POST "$deposits" '{"amount": "1"' "${as_mobile[@]}" -H "Idempotency-Key: $run-bad1")"
expect "malformed JSON" 400 "$status" malformed-body
status="$(request POST "$deposits" '' "${as_mobile[@]}" -H "Idempotency-Key: $run-bad2" -H 'Content-Type: text/plain' --data-binary 'amount=1')"
expect "a form" 415 "$status" unsupported-media-type
status="$(request POST "$deposits" '{"amount": "1", "currency": "EUR"}' "${as_mobile[@]}" -H "Idempotency-Key: $run-bad3")"
expect "an unknown member" 400 "$status" malformed-body
status="$(request POST "$deposits" '{"amount": "0"}' "${as_mobile[@]}" -H "Idempotency-Key: $run-bad4")"
expect "a zero amount" 422 "$status" amount-refused
status="$(request POST "$deposits" '{"amount": "0.000000000000000000001"}' "${as_mobile[@]}" -H "Idempotency-Key: $run-bad5")"
expect "21 decimals" 422 "$status" amount-refused
head -c 20000 /dev/zero | tr '\0' ' ' >"$work/large"
status="$(request POST "$deposits" '' "${as_mobile[@]}" -H "Idempotency-Key: $run-bad6" -H 'Content-Type: application/json' --data-binary @"$work/large")"
expect "a body over the limit" 413 "$status" body-too-large
status="$(request POST "/accounts/nosuch-$run/deposits" '{"amount": "1"}' "${as_mobile[@]}" -H "Idempotency-Key: $run-bad7")"
expect "an unknown account" 404 "$status" unknown-account
status="$(request GET /nowhere '' "${as_mobile[@]}")"
expect "no such route" 404 "$status" no-such-route
status="$(request POST /accounts '{"customerId": "a\u0000b"}' "${as_mobile[@]}" -H "Idempotency-Key: $run-bad8")"
expect "a NUL in a customer id" 400 "$status" malformed-body
status="$(request GET /accounts/%FF '' "${as_mobile[@]}")"
expect "an account id that is not UTF-8" 404 "$status" unknown-account
status="$(request POST "/accounts/$account%00x/deposits" '{"amount": "1"}' "${as_mobile[@]}" -H "Idempotency-Key: $run-bad9")"
expect "a NUL in an account id" 404 "$status" unknown-account
status="$(request POST "$deposits" '{"amount": "1"}' "${as_mobile[@]}" -H "Idempotency-Key: $run-bad10" -H "Idempotency-Key: $run-bad11")"
expect "two keys" 400 "$status" idempotency-key
status="$(request POST "$deposits" '{"amount": "x"}' "${as_mobile[@]}" -H "Idempotency-Key: $run-bad12" -H "Range: bytes=0-3")"
expect "a range asked of a problem: ignored" 400 "$status" malformed-body
status="$(request POST "$deposits" '{"amount": "1"}' "${as_mobile[@]}" -H "Idempotency-Key: $run-bad13" -H "Range: bytes=0-1,5-2")"
expect "a range httplib cannot read: refused whole" 416 "$status" range-unsupported
status="$(request POST "$deposits" '{"amount": "1e131071"}' "${as_mobile[@]}" -H "Idempotency-Key: $run-bad14")"
expect "an amount of 131,072 digits" 422 "$status" amount-refused
curl -sS -o /dev/null -X FROBNICATE "$url/accounts" || true
[ "$(count_messages "stream_name = 'account:command-$account'")" = "$before" ] || fail "bad input wrote a command"
# Refused before any effect, so not recorded: the same key with a good request is a new request.
status="$(request POST "$deposits" '{"amount": "0"}' "${as_mobile[@]}" -H "Idempotency-Key: $run-bad4")"
expect "a zero amount again" 422 "$status" amount-refused
status="$(request POST "$deposits" '{"amount": "1"}' "${as_mobile[@]}" -H "Idempotency-Key: $run-bad1")"
expect "a key whose malformed request was refused" 201 "$status"
status="$(request POST "$deposits" '{"amount": "1"}' "${as_mobile[@]}" -H "Idempotency-Key: $run-bad7")"
expect "a key whose request to an unknown account was refused, to the right account" 201 "$status"

# --- A rejected withdrawal: its problem is the outcome, recorded and replayed.
status="$(request POST "/accounts/$account/withdrawals" '{"amount": "100"}' "${as_mobile[@]}" -H "Idempotency-Key: $run-w1")"
expect "a withdrawal of too much" 403 "$status" insufficient-funds
[ "$(member .balance)" = 13.75 ] || fail "rejection: $(cat "$work/body")"
status="$(request POST "/accounts/$account/withdrawals" '{"amount": "100"}' "${as_mobile[@]}" -H "Idempotency-Key: $run-w1")"
expect "a withdrawal of too much again" 403 "$status" insufficient-funds
[ "$(header Idempotent-Replayed)" = true ] || fail "a repeated rejection not marked replayed"
status="$(request POST "/accounts/$account/withdrawals" '{"amount": "2.50"}' "${as_mobile[@]}" -H "Idempotency-Key: $run-w2")"
expect "a withdrawal" 201 "$status"
[ "$(member .outcome)/$(member .balance)" = "Withdrawn/11.25" ] || fail "withdrawal: $(cat "$work/body")"

# --- Another client's same key is another key: a deposit of its own, and never the first client's answer.
status="$(request POST "$deposits" '{"amount": "11.50"}' "${as_partner[@]}" -H "Idempotency-Key: $run-d1")"
expect "the partner's deposit with the mobile's key" 201 "$status"
[ -z "$(header Idempotent-Replayed)" ] || fail "another client's key replayed the first client's answer"
[ "$(member .balance)" = 22.75 ] || fail "partner's deposit: $(cat "$work/body")"
[ "$(member .depositId)" != "$(jq -r .depositId "$work/deposited")" ] || fail "two clients' keys gave one deposit id"
status="$(request GET "$deposits/$run-d1" '' "${as_partner[@]}")"
[ "$(member .balance)" = 22.75 ] || fail "the partner polled another client's deposit: $(cat "$work/body")"
status="$(request POST "$deposits" '{"amount": "11.50"}' "${as_mobile[@]}" -H "Idempotency-Key: $run-d1")"
cmp -s "$work/body" "$work/deposited" || fail "the mobile's replay changed after the partner's deposit: $(cat "$work/body")"
[ "$(count_messages "stream_name = 'account-$account' AND type = 'Deposited'")" = 5 ] ||
  fail "not exactly five deposits (two clients' keys, a quoted key, $run-bad1 and $run-bad7)"

# --- The metrics by route and status, of what this instance answered.
curl -sS "$metrics_url" >"$work/metrics"
grep -q '^evt_http_requests_total{route="/accounts/{id}/deposits",method="POST",status="201"} [1-9]' "$work/metrics" ||
  fail "no deposits in the metrics: $(grep evt_http "$work/metrics" | head)"
grep -q '^evt_http_requests_total{route="/accounts",method="POST",status="401"} 3$' "$work/metrics" ||
  fail "the 401s not counted: $(grep 'status="401"' "$work/metrics")"
grep -q '^evt_http_request_duration_seconds_count{route="/accounts/{id}/deposits",method="POST"} [1-9]' "$work/metrics" ||
  fail "no deposit durations in the metrics"
grep -q '^evt_http_requests_total{route="unmatched",method="other",status="[0-9]*"} 1$' "$work/metrics" ||
  fail "a method of the client's own not counted as other: $(grep unmatched "$work/metrics")"

# --- A restart between a request and its retry: the record answers.
stop_api
start_api --tokens-file "$work/tokens" --wait-ms 5000 --lease-ms 2000
status="$(request POST "$deposits" '{"amount": "11.50"}' "${as_mobile[@]}" -H "Idempotency-Key: $run-d1")"
expect "deposit again after a restart" 201 "$status"
[ "$(header Idempotent-Replayed)" = true ] || fail "a deposit repeated after a restart not marked replayed"
cmp -s "$work/body" "$work/deposited" || fail "the replay after a restart differs: $(cat "$work/body")"

# --- In flight: with the component stopped, a deposit waits; the same request meanwhile is a 409; past
# --wait-ms the first is a 202 whose Location is polled until the component, started again, has handled it.
stop_services
start_api --tokens-file "$work/tokens" --wait-ms 3000 --lease-ms 2000
(request POST "$deposits" '{"amount": "5"}' "${as_mobile[@]}" -H "Idempotency-Key: $run-slow" -o "$work/slow.body" \
  -D "$work/slow.headers" >"$work/slow.status") &
first=$!
slow_written() {
  local written
  written="$(count_messages "stream_name = 'account:command-$account' AND data->>'amount' = '5'")"
  [ "$written" = 1 ] || { echo "$written commands; the request: $(cat "$work/slow.status" "$work/slow.body" 2>&1)"; return 1; }
}
wait_until 10 "the slow deposit's command" slow_written
status="$(request POST "$deposits" '{"amount": "5"}' "${as_mobile[@]}" -H "Idempotency-Key: $run-slow")"
expect "the same deposit while the first is answered" 409 "$status" request-in-flight
[ "$(header Retry-After)" = 1 ] || fail "409 without Retry-After"
wait "$first"
[ "$(cat "$work/slow.status")" = 202 ] || fail "a deposit past --wait-ms: $(cat "$work/slow.status") $(cat "$work/slow.body")"
location="$(grep -i '^Location:' "$work/slow.headers" | cut -d' ' -f2 | tr -d '\r')"
[ "$location" = "$deposits/$run-slow" ] || fail "202 Location: $location"
status="$(request GET "$location" '' "${as_mobile[@]}")"
expect "the pending deposit polled" 202 "$status"
start_service
polled() { [ "$(request GET "$location" '' "${as_mobile[@]}")" = 200 ]; }
wait_until 60 "the pending deposit handled" polled
[ "$(member .outcome)/$(member .amount)" = "Deposited/5" ] || fail "the polled outcome: $(cat "$work/body")"
status="$(request POST "$deposits" '{"amount": "5"}' "${as_mobile[@]}" -H "Idempotency-Key: $run-slow")"
expect "the slow deposit repeated" 202 "$status"
[ "$(header Idempotent-Replayed)" = true ] || fail "the repeated 202 not marked replayed"

# --- The OpenAPI document (no token needed).
status="$(request GET /openapi.json '')"
expect "the OpenAPI document" 200 "$status"
[ "$(member '.paths | keys | length')" = 7 ] || fail "openapi: $(member '.paths | keys')"
stop_api

# --- Past its retention a key is forgotten: another request with it is a new one (a deposit of its own),
# and the first request made again names the same deposit (applied once).
start_api --tokens-file "$work/tokens" --retention-seconds 1
status="$(request POST "$deposits" '{"amount": "3"}' "${as_mobile[@]}" -H "Idempotency-Key: $run-kept")"
expect "a deposit kept a second" 201 "$status"
first_id="$(member .depositId)"
reused_after_retention() {
  [ "$(request POST "$deposits" '{"amount": "4"}' "${as_mobile[@]}" -H "Idempotency-Key: $run-kept")" = 201 ]
}
wait_until 30 "the key forgotten" reused_after_retention
[ "$(member .amount)" = 4 ] && [ "$(member .depositId)" != "$first_id" ] || fail "the key reused: $(cat "$work/body")"
first_again() {
  [ "$(request POST "$deposits" '{"amount": "3"}' "${as_mobile[@]}" -H "Idempotency-Key: $run-kept")" = 201 ]
}
wait_until 30 "the key forgotten again" first_again
[ "$(member .depositId)" = "$first_id" ] && [ -z "$(header Idempotent-Replayed)" ] || fail "the first made again: $(cat "$work/body")"
[ "$(count_messages "stream_name = 'account-$account' AND type = 'Deposited' AND data->>'depositId' = '$first_id'")" = 1 ] ||
  fail "the first deposit applied again past its record's retention"
stop_api

# --- TLS with --cert and --key.
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
start_api --tokens-file "$work/tokens" --cert "$work/cert.pem" --key "$work/key.pem"
[[ "$url" == https://* ]] || fail "TLS: $url"
status="$(curl -sS -o "$work/body" -w '%{http_code}' --cacert "$work/cert.pem" --resolve "localhost:${url##*:}:127.0.0.1" \
  "${as_mobile[@]}" "https://localhost:${url##*:}/accounts/$account")"
expect "the account over TLS" 200 "$status"
[ "$(member .balance)" = 34.75 ] || fail "the account over TLS: $(cat "$work/body")"
stop_api
stop_services
echo "every rule answered as the draft says, with two clients, a restart, a 202 polled to its outcome, and TLS"
