#!/usr/bin/env bash
# account-component fed what other clients write: a Ruby Eventide service's
# values (SPEC 11.1), careless and hostile commands, and account events it
# cannot decode. The service must stay up; every valid command, each issued
# three times, must take effect exactly once with its values as written;
# every bad message must be in account:command+deadLetter with its reason;
# and a restart after SIGKILL must not park anything again.
#
#   poison_messages.sh BIN_DIR   (PGHOST, PGPORT, EVT_TEST_CONNINFO)
set -euo pipefail
bin="$1"
# shellcheck source=support.sh
. "$(dirname "${BASH_SOURCE[0]}")/support.sh"

p="poison$RANDOM$RANDOM"
a="$p-a"  # valid commands in Ruby's forms, and poison, for one account
b="$p-b"  # an account whose events a Ruby service wrote
c="$p-c"  # an account with an event nobody can decode
d="$p-d"  # another account: its commands must go on

# A command as any client writes it: its id, stream, type, data and metadata
# JSON (metadata may be anything jsonb holds).
raw() {  # ID STREAM TYPE DATA [METADATA]
  local metadata="NULL"
  [ $# -ge 5 ] && metadata="'$5'"
  printf "SELECT message_store.write_message('%s', '%s', '%s', '%s', %s);\n" "$1" "$2" "$3" "$4" "$metadata"
}
uuid() { cat /proc/sys/kernel/random/uuid; }
deposit_data() {  # ACCOUNT KEY AMOUNT [TIME JSON]
  printf '{"depositId": "%s", "accountId": "%s", "amount": %s, "time": %s}' "$2" "$1" "$3" "${4:-\"2026-11-28T04:52:15.067Z\"}"
}

# Accounts a, c and d opened with 1000, through the component.
: >"$work/setup.sql"
for account in "$a" "$c" "$d"; do
  open_sql "$account" >>"$work/setup.sql"
  command_sql Deposit "$account" depositId "initial-$account" 1000 >>"$work/setup.sql"
done
# Account b as a Ruby account component wrote it (SPEC 11.1): Opened with no
# time and Time#iso8601(3)'s offset, deposits of 0.1 + 0.2 and 4.0, a
# processed time with microseconds.
raw "$(uuid)" "account-$b" Opened \
  "{\"accountId\": \"$b\", \"customerId\": \"c-$b\", \"time\": null, \"processedTime\": \"2026-11-28T04:52:15.067+00:00\"}" >>"$work/setup.sql"
raw "$(uuid)" "account-$b" Deposited \
  "{\"depositId\": \"rb1\", \"accountId\": \"$b\", \"amount\": 0.30000000000000004, \"time\": \"2026-11-28T04:52:15.067+00:00\", \"processedTime\": \"2026-11-28T04:52:15.067123Z\", \"sequence\": 1}" >>"$work/setup.sql"
raw "$(uuid)" "account-$b" Deposited \
  "{\"depositId\": \"rb2\", \"accountId\": \"$b\", \"amount\": 4.0, \"time\": null, \"processedTime\": \"2026-11-28T05:52:15.067+01:00\", \"sequence\": 2}" >>"$work/setup.sql"
query -f "$work/setup.sql" >/dev/null

start_service
wait_until_component_handled
# Account c gets an event that cannot be decoded (an amount that is text).
query -c "$(raw "$(uuid)" "account-$c" Deposited "{\"depositId\": \"bad\", \"accountId\": \"$c\", \"amount\": \"lots\", \"sequence\": 1}")" >/dev/null

# Valid commands, each issued three times, in Ruby's forms.
valid="$work/valid.sql"
: >"$valid"
for _ in 1 2 3; do
  raw "$(uuid)" "account:command-$a" Deposit "$(deposit_data "$a" d1 10)"
  raw "$(uuid)" "account:command-$a" Deposit "$(deposit_data "$a" d2 0.30000000000000004)"
  raw "$(uuid)" "account:command-$a" Deposit "$(deposit_data "$a" d3 4.0 null)"
  raw "$(uuid)" "account:command-$a" Deposit "$(deposit_data "$a" d4 1.0e-05 '"2026-11-28T04:52:15.067+00:00"')"
  raw "$(uuid)" "account:command-$a" Withdraw \
    "{\"withdrawalId\": \"w1\", \"accountId\": \"$a\", \"amount\": 2.5, \"time\": \"2026-11-28T04:52:15.067123Z\"}"
  raw "$(uuid)" "account:command-$b" Deposit "$(deposit_data "$b" d6 1)"
  raw "$(uuid)" "account:command-$d" Deposit "$(deposit_data "$d" d5 7)"
done >>"$valid"

# Poison: ID CLASS FRAGMENT, then its SQL. Each is parked with that error.
expected="$work/expected-parked"
: >"$expected"
poison() {  # CLASS FRAGMENT STREAM TYPE DATA [METADATA]
  local id
  id="$(uuid)"
  printf '%s\t%s\t%s\n' "$id" "$1" "$2" >>"$expected"
  shift 2
  raw "$id" "$@"
}
{
  poison evt::decode_error "Field: metadata, Cause: not a JSON object" "account:command-$a" Deposit "$(deposit_data "$a" m1 1)" '"text"'
  poison evt::decode_error "Field: metadata, Cause: not a JSON object" "account:command-$a" Deposit "$(deposit_data "$a" m2 1)" '[1, 2]'
  poison evt::decode_error "Field: metadata.causation_message_position" "account:command-$a" Deposit "$(deposit_data "$a" m3 1)" \
    '{"causationMessagePosition": "abc"}'
  poison evt::decode_error "Field: metadata.properties" "account:command-$a" Deposit "$(deposit_data "$a" m4 1)" '{"properties": 5}'
  poison evt::decode_error "Field: deposit_id, Cause: expected a string" "account:command-$a" Deposit "{\"depositId\": 5, \"accountId\": \"$a\", \"amount\": 1}"
  poison evt::decode_error "Field: data" "account:command-$a" Deposit '[1, 2]'
  poison evt::decode_error "Field: account_id, Cause: missing" "account:command-$a" Withdraw "{\"withdrawalId\": \"s1\", \"amount\": 1}"
  poison evt::reservation_error "Idempotence key is longer than 255 bytes (Key Size: 20000" "account:command-$a" Deposit \
    "$(deposit_data "$a" "$(head -c 20000 /dev/zero | tr '\0' k)" 1)"
  poison evt::invalid_message_error "Amount must be greater than zero" "account:command-$a" Deposit "$(deposit_data "$a" n1 -50)"
  poison evt::invalid_message_error "Amount must be greater than zero" "account:command-$a" Withdraw \
    "{\"withdrawalId\": \"n2\", \"accountId\": \"$a\", \"amount\": 0, \"time\": null}"
  poison evt::decode_error "Field: amount, Cause: expected a number" "account:command-$a" Deposit "$(deposit_data "$a" n3 '"abc"')"
  poison evt::decode_error "Field: amount, Cause: expected a number" "account:command-$a" Deposit "$(deposit_data "$a" n4 true)"
  poison evt::invalid_message_error "Amount must be at most 1000000000000" "account:command-$a" Deposit "$(deposit_data "$a" n5 1.0e+20)"
  poison evt::invalid_message_error "Amount must have at most 20 decimal places" "account:command-$a" Deposit \
    "$(deposit_data "$a" n6 0.000000000000000000001)"
  poison evt::invalid_message_error "Account ID must be the id of the command's stream" "account:command-$a" Deposit \
    "$(deposit_data "$d" x1 1)"
  poison evt::decode_error "Field: time, Cause: Not an ISO 8601 time" "account:command-$a" Deposit "$(deposit_data "$a" t1 1 '"yesterday"')"
  poison evt::decode_error "Stream: account-$c" "account:command-$c" Open "{\"accountId\": \"$c\", \"customerId\": \"x\", \"time\": null}"
} >"$work/poison.sql"
# Forged markers: a valid deposit written twice with a reserved marker.
for _ in 1 2; do
  raw "$(uuid)" "account:command-$a" Deposit "$(deposit_data "$a" f1 3)" '{"localProperties": {"reserved": "x"}}'
done >>"$valid"
# A deposit to account c: reserved, then its copy parked (account c cannot be read).
raw "$(uuid)" "account:command-$c" Deposit "$(deposit_data "$c" c1 5)" >>"$valid"

paste -d '\n' "$valid" "$work/poison.sql" | sed '/^$/d' >"$work/issue.sql"
query -f "$work/issue.sql" >/dev/null
wait_until_component_handled
kill -0 "${services[0]}" 2>/dev/null || fail "the service stopped: $(tail -5 "$work/service.log")"

# Valid commands: once each, values as written (jsonb keeps numbers exactly,
# and writes 1.0e-05 as 0.000010), times as written.
check_event() {  # ACCOUNT KEY_FIELD KEY TYPE AMOUNT TIME
  local rows
  rows="$(query -c "SELECT type || ' ' || (data->'amount')::text || ' ' || coalesce(data->>'time', 'null')
                    FROM message_store.messages WHERE stream_name = 'account-$1' AND data->>'$2' = '$3'")"
  [ "$rows" = "$4 $5 $6" ] || fail "$3 of account $1: expected one '$4 $5 $6', found: '$rows'"
}
check_event "$a" depositId d1 Deposited 10 2026-11-28T04:52:15.067Z
check_event "$a" depositId d2 Deposited 0.30000000000000004 2026-11-28T04:52:15.067Z
check_event "$a" depositId d3 Deposited 4.0 null
check_event "$a" depositId d4 Deposited 0.000010 2026-11-28T04:52:15.067+00:00
check_event "$a" withdrawalId w1 Withdrawn 2.5 2026-11-28T04:52:15.067123Z
check_event "$a" depositId f1 Deposited 3 2026-11-28T04:52:15.067Z
check_event "$b" depositId d6 Deposited 1 2026-11-28T04:52:15.067Z
check_event "$d" depositId d5 Deposited 7 2026-11-28T04:52:15.067Z

# Balances, exact (numeric): a = 1000 + 10 + 0.30000000000000004 + 4.0 +
# 0.000010 - 2.5 + 3; b = the Ruby deposits + 1; c = 1000 (its deposit
# parked); d = 1000 + 7.
balance() {
  query -c "SELECT coalesce(sum(CASE type WHEN 'Deposited' THEN (data->>'amount')::numeric
                                         WHEN 'Withdrawn' THEN -(data->>'amount')::numeric END), 0)::text
            FROM message_store.messages WHERE stream_name = 'account-$1' AND data->>'amount' ~ '^[0-9.]+$'"
}
[ "$(balance "$a")" = 1014.80001000000000004 ] || fail "balance of $a: $(balance "$a")"
[ "$(balance "$b")" = 5.30000000000000004 ] || fail "balance of $b: $(balance "$b")"
[ "$(balance "$d")" = 1007 ] || fail "balance of $d: $(balance "$d")"
shown="$("$bin/account-client" --database "$EVT_TEST_CONNINFO" show "$b")"
case "$shown" in *'"balance":5.30000000000000004,'*) ;; *) fail "account-client show $b: $shown" ;; esac
if "$bin/account-client" --database "$EVT_TEST_CONNINFO" show "$c" >"$work/show-c" 2>&1; then
  fail "account-client show $c read an account with an event it cannot decode"
fi
grep -q "Cannot decode the message (Stream: account-$c" "$work/show-c" || fail "account-client show $c: $(cat "$work/show-c")"

# Each poison message parked once, with its reason.
parked_count() {
  query -c "SELECT count(*) FROM message_store.messages
            WHERE message_store.category(stream_name) = 'account:command+deadLetter' AND stream_name LIKE '%$p%'"
}
while IFS=$'\t' read -r id class fragment; do
  reason="$(query -c "SELECT (metadata->'deadLetter'->>'errorClass') || ' ' || (metadata->'deadLetter'->>'error')
                      FROM message_store.messages WHERE message_store.category(stream_name) = 'account:command+deadLetter'
                      AND metadata->'deadLetter'->>'messageId' = '$id'")"
  case "$reason" in
    "$class "*"$fragment"*) ;;
    *) fail "message $id: parked as '${reason:0:300}', expected $class ...$fragment..." ;;
  esac
done <"$expected"
copy_reason="$(query -c "SELECT metadata->'deadLetter'->>'error' FROM message_store.messages
                         WHERE stream_name = 'account:command+deadLetter-$c+c1'")"
case "$copy_reason" in *"Cannot decode the message (Stream: account-$c"*) ;; *) fail "the deposit to $c: '$copy_reason'" ;; esac
parked="$(parked_count)"
[ "$parked" = "$(($(wc -l <"$expected") + 1))" ] || fail "$parked parked, expected $(($(wc -l <"$expected") + 1))"
grep -q "; parked in account:command+deadLetter-$a" "$work/service.log" || fail "no parking in the log"

# Killed (no last position written on the way out) and started again, the
# service parks nothing again: each park wrote the position past it. A
# deposit after the restart: handled, it shows the restarted service read
# on from where it resumed.
kill -9 "${services[0]}"
wait "${services[0]}" 2>/dev/null || true
services=()
start_service
command_sql Deposit "$d" depositId after-restart 1 | query >/dev/null
wait_until_component_handled
applied="$(query -c "SELECT count(*) FROM message_store.messages WHERE stream_name = 'account-$d' AND data->>'depositId' = 'after-restart'")"
[ "$applied" = 1 ] || fail "the deposit after the restart was applied $applied times"
[ "$(parked_count)" = "$parked" ] || fail "parked again after a restart: $(parked_count) of $parked"
stop_services
echo "$parked bad messages parked once each with their reasons; 9 valid commands (24 issues) applied once each; balances exact; nothing parked again after a SIGKILL and a restart"
