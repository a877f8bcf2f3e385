#!/usr/bin/env bash
# evt, the operators' command line, run as an operator runs it against the
# test cluster: messages written raw as Ruby Eventide writes them (camelCase
# metadata, times like 2026-11-28T10:00:00.123Z), a real consumer's position
# (a group member's too) and a message a real consumer parked; bad input
# exits 2, a store that refuses or cannot be reached 1.
#
#   evt_cli.sh EVT CATCH_UP_CONSUMER SECTION
#     SECTION: usage write messages summary consumers parked tail
#     EVT_TEST_CONNINFO: the database, as role message_store; PGHOST, PGPORT: the cluster
set -euo pipefail
evt="$1"
catch_up="$2"
section="$3"
category="evtCli$RANDOM$RANDOM"
work="$(mktemp -d /tmp/evt-cli-test.XXXXXX)"
pids=()
trap 'for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done; rm -rf "$work"' EXIT

fail() { echo "FAILED ($section): $*" >&2; exit 1; }
query() { psql -X -q -tA -v ON_ERROR_STOP=1 -d "$EVT_TEST_CONNINFO" "$@"; }
db=(--database "$EVT_TEST_CONNINFO")

# expect CODE ARGS...: runs evt ARGS, which must exit CODE; its output is
# in $work/out and $work/err.
expect() {
  local code="$1" actual=0
  shift
  "$evt" "$@" >"$work/out" 2>"$work/err" || actual=$?
  [ "$actual" = "$code" ] || fail "evt $* exited $actual, not $code; stderr: $(cat "$work/err"); stdout: $(head -c 2000 "$work/out")"
}
# has FILE TEXT / lacks FILE TEXT: of $work/out or $work/err.
has() { grep -qF -- "$2" "$work/$1" || fail "$1 of the last command lacks '$2': $(head -c 2000 "$work/$1")"; }
lacks() { ! grep -qF -- "$2" "$work/$1" || fail "$1 of the last command has '$2': $(head -c 2000 "$work/$1")"; }
# same WHAT ACTUAL EXPECTED
same() { [ "$2" = "$3" ] || fail "$1: '$2', expected '$3'"; }
# The JSON lines of the last command, through jq.
out_json() { jq -r "$@" "$work/out"; }
lines() { wc -l <"$work/out" | tr -d ' '; }

# A message as any client writes it: the store's own function, raw JSON.
raw_write() {  # STREAM TYPE DATA [METADATA]
  query -v stream="$1" -v type="$2" -v data="$3" -v metadata="${4:-}" >/dev/null <<'SQL'
SELECT message_store.write_message(gen_random_uuid()::text, :'stream', :'type', :'data'::jsonb, NULLIF(:'metadata', '')::jsonb);
SQL
}
global_position() {  # STREAM POSITION
  query -c "SELECT global_position FROM message_store.messages WHERE stream_name = '$1' AND position = $2"
}
store_time() {  # STREAM [POSITION]: as evt prints times; the last message's without a position
  query -c "SELECT to_char(time, 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') FROM message_store.messages
            WHERE stream_name = '$1' AND position = ${2:-(SELECT max(position) FROM message_store.messages WHERE stream_name = '$1')}"
}
count_in() {  # CATEGORY
  query -c "SELECT count(*) FROM message_store.messages WHERE message_store.category(stream_name) = '$1'"
}
# wait_until SECONDS COMMAND...: until COMMAND succeeds, or fails the test.
wait_until() {
  local seconds="$1"
  shift
  for _ in $(seq $((seconds * 20))); do "$@" && return 0; sleep 0.05; done
  fail "waited ${seconds}s for: $*"
}

ruby_metadata='{"correlationStreamName": "otherCategory-7", "causationMessageStreamName": "someCommand-1", "causationMessagePosition": 0, "causationMessageGlobalPosition": 3, "schemaVersion": null}'

test_usage() {
  expect 0 --help
  has out "Usage: evt"
  has out "Exit status: 0 done, 1 the store refused or cannot be reached, 2 bad usage"
  for command in messages summary consumers parked tail write; do
    expect 0 "$command" --help
    has out "Usage: evt $command"
    has out "--database"
    has out "--json"
  done
  expect 0 parked replay --help
  has out "--all"

  expect 2                                      # no command
  has err "A subcommand is required"
  expect 2 frobnicate
  expect 2 messages "$category" --frobnicate "${db[@]}"
  has err "--frobnicate"
  expect 2 messages "${db[@]}"                  # no stream
  expect 2 messages "$category" --limit -1 "${db[@]}"
  expect 2 summary --by colour "${db[@]}"
  expect 2 write "$category-1" SomeType "${db[@]}"  # no data

  # The store cannot be reached: 1, with the cause and never the password.
  expect 1 summary --database "host=/nonexistent/evt port=5432 dbname=message_store user=message_store"
  has err "Cannot connect to the message store"
  has err "No such file or directory"
  expect 1 summary --database "host=127.0.0.1 port=1 dbname=message_store user=message_store connect_timeout=5"
  has err "Connection refused"
  expect 1 summary --database "host=/nonexistent/evt password=Secret-Pw-42 dbname=message_store"
  has err "Cannot connect to the message store"
  lacks err "Secret-Pw-42"
  expect 1 summary --database "password=Secret-Pw-42 nonsense"
  has err "connection info string"
  lacks err "Secret-Pw-42"
  expect 1 summary --database "postgresql://message_store:Secret-Pw-42@%zz/message_store"
  lacks err "Secret-Pw-42"
}

test_write() {
  # Bad input: refused before anything is written.
  expect 2 write "$category" SomeType '{}' "${db[@]}"
  has err "STREAM must be a stream name (category-id), not a category (STREAM: $category)"
  expect 2 write "$category-1" SomeType '[1, 2]' "${db[@]}"
  has err "DATA must be a JSON object (DATA: [1, 2])"
  expect 2 write "$category-1" SomeType '"text"' "${db[@]}"
  has err "DATA must be a JSON object"
  expect 2 write "$category-1" SomeType '{"amount": ' "${db[@]}"
  has err "DATA is not valid JSON"
  expect 2 write "$category-1" SomeType '{}' --metadata 'null' "${db[@]}"
  has err "--metadata must be a JSON object"
  expect 2 write "$category-1" SomeType '{}' --id not-a-uuid "${db[@]}"
  has err "--id must be a UUID"
  expect 2 write "$category-1" SomeType '{}' --expected-version -2 "${db[@]}"
  expect 2 write "$category-1" '' '{}' "${db[@]}"
  same "messages after bad input" "$(count_in "$category")" 0

  # Written as given: numbers and times exactly.
  expect 0 write "$category-1" Deposited '{"amount": 0.30000000000000004, "time": "2026-11-28T10:00:00.123Z"}' \
    --metadata "$ruby_metadata" --json "${db[@]}"
  same lines "$(lines)" 1
  same position "$(out_json .position)" 0
  same stream "$(out_json .stream_name)" "$category-1"
  local id
  id="$(out_json .id)"
  same "stored" "$(query -c "SELECT id || ' ' || type || ' ' || (data->>'amount') || ' ' || (metadata->>'correlationStreamName')
                              FROM message_store.messages WHERE stream_name = '$category-1'")" \
    "$id Deposited 0.30000000000000004 otherCategory-7"

  expect 0 write "$category-1" Withdrawn '{"amount": 1}' --expected-version 0 --id 6f1c2d3e-0000-4000-8000-00000000a001 "${db[@]}"
  has out "stream_name"
  has out "$category-1"
  same "id written" "$(query -c "SELECT id FROM message_store.messages WHERE stream_name = '$category-1' AND position = 1")" \
    6f1c2d3e-0000-4000-8000-00000000a001
  expect 1 write "$category-1" Withdrawn '{}' --expected-version 0 "${db[@]}"
  has err "Wrong expected version: 0 (Stream: $category-1, Stream Version: 1)"
  expect 1 write "$category-1" Withdrawn '{}' --id 6f1c2d3e-0000-4000-8000-00000000a001 "${db[@]}"
  same "messages after refusals" "$(count_in "$category")" 2

  # Without --database: libpq's PG* variables.
  PGUSER=message_store PGDATABASE=message_store expect 0 write "$category-2" Opened '{}' --json
  same "through PG*" "$(out_json .position)" 0
}

test_messages() {
  raw_write "$category-1" Deposited '{"accountId": "1", "amount": 11.5, "time": "2026-11-28T10:00:00.123Z"}' "$ruby_metadata"
  raw_write "$category-2" Deposited '{"accountId": "2", "amount": 0.30000000000000004, "time": "2026-11-28T10:00:01.5+01:00"}'
  raw_write "$category-1" Withdrawn '{"accountId": "1", "amount": 1.0e-05}' '{"schemaVersion": null}'

  expect 0 messages "$category-1" --json "${db[@]}"
  same lines "$(lines)" 2
  same "first" "$(jq -sr '.[0] | "\(.stream_name) \(.position) \(.type) \(.global_position) \(.data.accountId) \(.metadata.correlationStreamName) \(.metadata.causationMessagePosition) \(.time)"' "$work/out")" \
    "$category-1 0 Deposited $(global_position "$category-1" 0) 1 otherCategory-7 0 $(store_time "$category-1" 0)"
  has out '"amount": 11.5'  # the data as the store holds it
  has out '"time": "2026-11-28T10:00:00.123Z"'
  same "id" "$(jq -sr '.[1].id' "$work/out")" \
    "$(query -c "SELECT id FROM message_store.messages WHERE stream_name = '$category-1' AND position = 1")"
  [[ "$(jq -sr '.[1].time' "$work/out")" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z$ ]] || fail "time form"

  expect 0 messages "$category" --json "${db[@]}"
  same "category, in global order" "$(out_json '"\(.stream_name)/\(.position)"' | tr '\n' ' ')" \
    "$category-1/0 $category-2/0 $category-1/1 "
  has out '"amount": 0.30000000000000004'
  has out '"amount": 0.000010'  # as jsonb keeps 1.0e-05
  expect 0 messages "$category" --type Withdrawn --json "${db[@]}"
  same "by type" "$(out_json .type)" Withdrawn
  expect 0 messages "$category" --limit 2 --json "${db[@]}"
  same "limited" "$(lines)" 2
  expect 0 messages "$category" --from "$(global_position "$category-2" 0)" --json "${db[@]}"
  same "from a global position" "$(out_json '"\(.stream_name)/\(.position)"' | tr '\n' ' ')" "$category-2/0 $category-1/1 "
  expect 0 messages "$category-1" --from 1 --json "${db[@]}"
  same "from a stream position" "$(out_json .position)" 1
  expect 0 messages "$category" --correlation otherCategory --json "${db[@]}"
  same "correlated" "$(out_json '"\(.stream_name)/\(.position)"')" "$category-1/0"

  expect 0 messages "$category" "${db[@]}"
  same "table lines" "$(lines)" 4
  same "heading" "$(head -1 "$work/out" | tr -s ' ')" "global_position stream_name position type time id data metadata"
  expect 0 messages "${category}Empty" "${db[@]}"
  has out "No messages in ${category}Empty"
  expect 0 messages "${category}Empty" --json "${db[@]}"
  same "empty JSON" "$(lines)" 0

  expect 2 messages "$category" --correlation otherCategory-7 "${db[@]}"
  has err "--correlation must be a category"
  expect 2 messages "$category-1" --correlation otherCategory "${db[@]}"
  has err "--correlation filters a category, not a stream"

  # Across batches (1000 a batch): every message, and the type after the first batch.
  query -c "SELECT count(message_store.write_message(gen_random_uuid()::text, '${category}Many-' || (i % 7),
              CASE WHEN i = 1200 THEN 'Last' ELSE 'Some' END, '{}')) FROM generate_series(1, 1200) AS i" >/dev/null
  expect 0 messages "${category}Many" --json "${db[@]}"
  same "across batches" "$(lines)" 1200
  expect 0 messages "${category}Many" --type Last --json "${db[@]}"
  same "found after the first batch" "$(lines)" 1
  expect 0 messages "${category}Many" --limit 1001 --json "${db[@]}"
  same "limit across batches" "$(lines)" 1001
}

test_summary() {
  raw_write "$category-1" Opened '{}' "$ruby_metadata"
  raw_write "$category-1" Deposited '{"amount": 11.5}'
  raw_write "$category-2" Opened '{}'
  raw_write "${category}:command-1" Open '{}'
  local first last
  first="$(global_position "$category-1" 0)"
  last="$(global_position "$category-2" 0)"

  expect 0 summary "$category" --json "${db[@]}"
  same lines "$(lines)" 1
  same "the category" "$(out_json '"\(.category) \(.messages) \(.percent) \(.first_global_position) \(.last_global_position) \(.last_time)"')" \
    "$category 3 100 $first $last $(store_time "$category-2" 0)"
  expect 0 summary --by stream "$category" --json "${db[@]}"
  same "by stream" "$(out_json '"\(.stream) \(.messages) \(.first_global_position)"' | tr '\n' ' ')" \
    "$category-1 2 $first $category-2 1 $last "
  expect 0 summary --by type "$category" --json "${db[@]}"
  same "by type" "$(out_json '"\(.type) \(.messages) \(.percent)"' | tr '\n' ' ')" "Deposited 1 33.33 Opened 2 66.67 "
  expect 0 summary --json "${db[@]}"
  same "every category" "$(out_json "select(.category | startswith(\"$category\")) | \"\\(.category) \\(.messages)\"" | tr '\n' ' ')" \
    "$category 3 $category:command 1 "
  expect 0 summary --by stream "$category" "${db[@]}"
  same "heading" "$(head -1 "$work/out" | tr -s ' ')" "stream messages percent first_global_position last_global_position last_time"
  has out "Total: 3 messages"
  # Aligned: each count (a number, to the right) ends where its heading does.
  local end
  end="$(head -1 "$work/out" | awk '{ print index($0, "messages") + length("messages") }')"
  sed -n '2,3p' "$work/out" | while IFS= read -r line; do
    [ "${line:$((end - 2)):1}" != " " ] && [ "${line:$((end - 1)):1}" = " " ] || fail "not aligned at $end: '$line'"
  done
  expect 0 summary "${category}Empty" "${db[@]}"
  has out "No messages in ${category}Empty"

  expect 2 summary "$category-1" "${db[@]}"
  has err "CATEGORY must be a category, not a stream name"
}

consumer_line() {  # POSITION_STREAM: its line of the last `consumers --json`
  jq -c "select(.consumer == \"$1\")" "$work/out"
}

test_consumers() {
  for i in 1 2 3 4; do raw_write "$category-$i" Deposited '{"amount": 1}' "$ruby_metadata"; done
  same "handled" "$("$catch_up" "$category")" 4
  local position
  position="$(global_position "$category-4" 0)"
  for i in 5 6 7; do raw_write "$category-$i" Deposited '{"amount": 1}'; done

  expect 0 consumers "$category" --json "${db[@]}"
  same lines "$(lines)" 1
  same "the consumer" "$(consumer_line "$category:position" | jq -r '"\(.category) \(.position) \(.lag) \(.group_member) \(.oldest_unhandled_time)"')" \
    "$category $position 3 null $(store_time "$category-5" 0)"
  [ "$(consumer_line "$category:position" | jq '.oldest_unhandled_age >= 0')" = true ] || fail "age"
  same "recorded time" "$(consumer_line "$category:position" | jq -r .recorded_time)" "$(store_time "$category:position")"

  # A group member counts only its share: Message DB's hash of the cardinal id.
  same "member handled" "$("$catch_up" "$category" worker 1 2)" \
    "$(query -c "SELECT count(*) FROM message_store.messages WHERE message_store.category(stream_name) = '$category'
                 AND @message_store.hash_64(message_store.cardinal_id(stream_name)) % 2 = 1")"
  local member_position
  member_position="$(query -c "SELECT data->>'position' FROM message_store.messages WHERE stream_name = '$category:position-worker+1'
                               ORDER BY position DESC LIMIT 1")"
  for i in 1 2 3 4 5 6 7 8 9 10; do raw_write "$category-$i" Withdrawn '{"amount": 1}'; done
  local share
  share="$(query -c "SELECT count(*) FROM message_store.messages WHERE message_store.category(stream_name) = '$category'
                     AND global_position > $member_position AND @message_store.hash_64(message_store.cardinal_id(stream_name)) % 2 = 1")"
  [ "$share" -gt 0 ] && [ "$share" -lt 10 ] || fail "the ten streams should be shared between the members, member 1 has $share"
  # A position Ruby's consumer recorded: no group, and its own position.
  raw_write "$category:position-rubyWorker" Recorded "{\"position\": $position}"

  expect 0 consumers "$category" --json "${db[@]}"
  same lines "$(lines)" 3
  same "member" "$(consumer_line "$category:position-worker+1" | jq -r '"\(.group_member)/\(.group_size) \(.position) \(.lag) \(.note)"')" \
    "1/2 $member_position $share null"
  same "whole category" "$(consumer_line "$category:position" | jq -r .lag)" 13
  same "ruby's" "$(consumer_line "$category:position-rubyWorker" | jq -r '"\(.position) \(.lag)"')" "$position 13"

  expect 0 consumers --json "${db[@]}"
  same "found among all" "$(out_json "select(.category == \"$category\") | .consumer" | tr '\n' ' ')" \
    "$category:position $category:position-rubyWorker $category:position-worker+1 "
  expect 0 consumers "$category" "${db[@]}"
  same "heading" "$(head -1 "$work/out" | tr -s ' ')" \
    "consumer category group position recorded_time lag oldest_unhandled_time oldest_unhandled_age note"
  has out "1/2"
  grep -qE " [0-9]+(\.[0-9]s|m[0-9]{2}s|h[0-9]{2}m)  " "$work/out" || fail "no age as people read it: $(cat "$work/out")"
  expect 0 consumers "${category}Empty" "${db[@]}"
  has out "No consumer of ${category}Empty has recorded a position"

  expect 2 consumers "$category-1" "${db[@]}"
  has err "CATEGORY must be a category"
}

test_parked() {
  local commands="${category}:command"
  expect 0 write "$commands-7" Poison '{"accountId": "7", "amount": 0.30000000000000004}' --metadata "$ruby_metadata" "${db[@]}"
  expect 0 write "$commands-8" Fine '{}' "${db[@]}"
  same "taken" "$("$catch_up" "$commands")" 2

  expect 0 parked "$commands" --json "${db[@]}"
  same lines "$(lines)" 1
  same "parked" "$(out_json '"\(.stream_name) \(.position) \(.type) \(.parker) \(.by) \(.error_class) \(.attempts) \(.dead_letter_stream) \(.replayed)"')" \
    "$commands-7 0 Poison consumer $commands+position evt::invalid_message_error 1 $commands+deadLetter-7 null"
  same "why" "$(out_json .error)" "Poison is refused by this handler"
  same "what" "$(out_json '"\(.data.accountId) \(.metadata.correlationStreamName)"')" "7 otherCategory-7"
  has out '"amount": 0.30000000000000004'
  local id
  id="$(out_json .id)"
  expect 0 parked "${commands}+deadLetter" --json "${db[@]}"
  same "by its dead-letter category" "$(out_json .id)" "$id"
  expect 0 parked --json "${db[@]}"
  same "among all" "$(out_json "select(.stream_name == \"$commands-7\") | .id")" "$id"
  expect 0 parked "$commands" "${db[@]}"
  same "heading" "$(head -1 "$work/out" | tr -s ' ')" "id parked_time stream_name position type by error attempts replayed"
  has out "Poison is refused by this handler"
  expect 0 consumers "$commands" --json "${db[@]}"
  same "its consumer is past it" "$(out_json '"\(.consumer) \(.category) \(.lag)"')" "$commands+position $commands 0"

  # Replayed once: to its stream, as it was.
  expect 0 parked replay "$id" --json "${db[@]}"
  same "replayed" "$(out_json '"\(.outcome) \(.stream_name) \(.position)"')" "replayed $commands-7 1"
  same "as it was" "$(query -c "SELECT type || ' ' || (data->>'amount') || ' ' || (metadata->>'correlationStreamName')
                                 FROM message_store.messages WHERE stream_name = '$commands-7' AND position = 1")" \
    "Poison 0.30000000000000004 otherCategory-7"
  # The parked command's options count for its replay too.
  expect 0 parked --json "${db[@]}" replay "$id"
  same "again" "$(out_json '"\(.outcome) \(.position)"')" "replayed before null"
  expect 0 parked replay --all "$commands" --json "${db[@]}"
  same "all, again" "$(out_json .outcome)" "replayed before"
  expect 0 parked "$commands" --json "${db[@]}"
  same "shown replayed" "$(out_json .replayed)" "$commands-7/1"
  same "written once" "$(query -c "SELECT count(*) FROM message_store.messages WHERE stream_name = '$commands-7'")" 2

  # What a projector parked is refused, as the library refuses it (exit 1).
  local events="${category}Event"
  raw_write "$events:deadLetter-3" Deposited '{"amount": 1}' "{\"deadLetter\": {\"streamName\": \"$events-3\", \"position\": 0,
    \"globalPosition\": 12, \"messageId\": \"6f1c2d3e-0000-4000-8000-00000000b001\", \"type\": \"Deposited\",
    \"time\": \"2026-11-28T10:00:00.123456Z\", \"metadata\": null, \"parker\": \"projector\", \"by\": \"$events:position-balances\",
    \"errorClass\": \"evt::decode_error\", \"error\": \"Cannot decode\", \"sqlstate\": null, \"attempts\": 1}}"
  expect 0 parked "$events" --json "${db[@]}"
  same "projector's" "$(out_json '"\(.parker) \(.stream_name) \(.error)"')" "projector $events-3 Cannot decode"
  local projectors
  projectors="$(out_json .id)"
  expect 1 parked replay "$projectors" "${db[@]}"
  has err "Only a message a consumer parked is replayed"
  expect 1 parked replay --all "$events" --json "${db[@]}"
  same "refused" "$(out_json .outcome)" refused
  has err "1 parked message(s) not replayed"
  same "nothing written" "$(count_in "$events")" 0

  # A copy written again into its reservation stream, parked as a duplicate:
  # never replayed, and the refusal says why.
  local copies="${category}Copy:command"
  raw_write "$copies+deadLetter-4+d1" Deposit '{"amount": 1}' "{\"deadLetter\": {\"streamName\": \"$copies-4+d1\", \"position\": 1,
    \"globalPosition\": 14, \"messageId\": \"6f1c2d3e-0000-4000-8000-00000000b002\", \"type\": \"Deposit\",
    \"time\": \"2026-11-28T10:00:00.123456Z\", \"metadata\": null, \"parker\": \"consumer\", \"by\": \"$copies+position\",
    \"errorClass\": \"evt::duplicate_reservation_error\", \"error\": \"A duplicate\", \"sqlstate\": null, \"attempts\": 1,
    \"replayable\": false}}"
  expect 0 parked "$copies" --json "${db[@]}"
  same "not replayable" "$(out_json '"\(.error_class) \(.replayable)"')" "evt::duplicate_reservation_error false"
  expect 1 parked replay --all "$copies" "${db[@]}"
  has err "Not replayable: it was refused as a duplicate of a command reserved already"
  same "nothing written" "$(count_in "$copies")" 0

  expect 2 parked replay not-an-id "${db[@]}"
  has err "ID must be a UUID"
  expect 2 parked replay "${db[@]}"
  has err "replay needs the ID of a parked message"
  expect 1 parked replay 6f1c2d3e-0000-4000-8000-00000000c001 "${db[@]}"
  has err "No message has this id"
  expect 1 parked replay "$(query -c "SELECT id FROM message_store.messages WHERE stream_name = '$commands-8'")" "${db[@]}"
  has err "Not a parked message"
  expect 0 parked "${category}None" "${db[@]}"
  has out "No parked messages of ${category}None"
  expect 2 parked "$commands-7" "${db[@]}"
}

# Starts `evt tail ARGS` in the background, writing to $work/tail.out and
# .err, and waits until it follows (it says so once it listens or polls).
start_tail() {
  "$evt" tail "$@" "${db[@]}" >"$work/tail.out" 2>"$work/tail.err" &
  tail_pid=$!
  pids+=("$tail_pid")
  wait_until 10 grep -q "^Following " "$work/tail.err"
}
# Waits (bounded) for the tail to end; its exit code in $tail_code.
exited() {  # PID: gone, or a zombie not yet waited for
  local state
  state="$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null || true)"
  [ -z "$state" ] || [ "$state" = Z ]
}
tail_exit() {
  wait_until 10 exited "$tail_pid"
  tail_code=0
  wait "$tail_pid" || tail_code=$?
}
tail_lines() { [ "$(wc -l <"$work/tail.out")" -ge "$1" ]; }

test_tail() {
  raw_write "$category-1" Before '{}'
  # With message_db/notify (our cluster) it is woken: an hour's poll cannot
  # be what brings the messages within the wait. Without it (the official
  # schema's cluster) it polls.
  if [ -n "$(query -c "SELECT 1 FROM pg_catalog.pg_trigger WHERE tgname = 'notify_categories'")" ]; then
    start_tail "$category" --limit 2 --json --poll-interval-ms 3600000
    grep -qF "(woken by message_db/notify)" "$work/tail.err" || fail "not listening: $(cat "$work/tail.err")"
  else
    start_tail "$category" --limit 2 --json
    grep -qF "(polling every 100 ms)" "$work/tail.err" || fail "not polling: $(cat "$work/tail.err")"
  fi
  raw_write "${category}Other-1" Elsewhere '{}'
  raw_write "$category-2" First '{"amount": 11.5}' "$ruby_metadata"
  "$evt" write "$category-3" Second '{}' "${db[@]}" >/dev/null
  tail_exit
  same "exit after --limit" "$tail_code" 0
  same "followed" "$(jq -r '"\(.stream_name) \(.type)"' "$work/tail.out" | tr '\n' ' ')" "$category-2 First $category-3 Second "
  grep -qF '"data":{"amount": 11.5}' "$work/tail.out" || fail "data: $(cat "$work/tail.out")"

  expect 0 tail "$category" --from "$(global_position "$category-1" 0)" --limit 2 --json "${db[@]}"
  same "from a position" "$(out_json .type | tr '\n' ' ')" "Before First "

  # Until a signal: exit 0.
  for signal in TERM INT; do
    start_tail "$category"
    raw_write "$category-4" "Before$signal" '{}'
    wait_until 10 tail_lines 1
    grep -qF "Before$signal" "$work/tail.out" || fail "table line: $(cat "$work/tail.out")"
    kill -"$signal" "$tail_pid"
    tail_exit
    same "exit after SIG$signal" "$tail_code" 0
  done

  expect 2 tail "$category-1" "${db[@]}"
  has err "CATEGORY must be a category"
}

case "$section" in
  usage | write | messages | summary | consumers | parked | tail) "test_$section" ;;
  *) fail "unknown section $section" ;;
esac
echo "evt $section: as expected"
