#!/usr/bin/env bash
# Processes racing for one idempotency key in the message store: of eight
# that initiate it at once exactly one does (and then "crashes", leaving it
# pending); of eight that then execute an operation for it, exactly one
# takes it over once the lease has expired and runs it (attempt 2), and all
# eight answer its result. Usage: idempotency_processes.sh INITIATOR
set -euo pipefail
initiator=$1
: "${EVT_TEST_CONNINFO:?}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
category="idempotencyRace$RANDOM$RANDOM"
key=$(cat /proc/sys/kernel/random/uuid)

race() {  # race MODE: eight processes, released together once all are connected
  local mode=$1 pids=() connected=0
  rm -f "$work/start"
  for n in 1 2 3 4 5 6 7 8; do
    # Named, so that the server tells which of them are connected.
    EVT_TEST_CONNINFO="$EVT_TEST_CONNINFO application_name=$category-$mode-$n" \
      "$initiator" "$category" "$key" "$work/start" "$mode" 1000 >"$work/$mode.$n" &
    pids+=($!)
  done
  # Within the 30 s they wait for the start file.
  local deadline=$((SECONDS + 20))
  until connected=$(psql -X -tA -d "$EVT_TEST_CONNINFO" -c "SELECT count(DISTINCT application_name) FROM pg_stat_activity
                                                             WHERE application_name LIKE '$category-$mode-%'") &&
    [[ $connected == 8 ]]; do
    if ((SECONDS >= deadline)); then
      echo "$mode: $connected of 8 processes connected in 20 s"
      kill "${pids[@]}" 2>/dev/null || true
      exit 1
    fi
    sleep 0.1
  done
  touch "$work/start"
  for pid in "${pids[@]}"; do wait "$pid"; done
}

race hold
initiated=$(cat "$work"/hold.* | grep -c '^initiated$' || true)
echo "initiate: $initiated of 8 processes initiated the key"
[[ $initiated == 1 ]] || { cat "$work"/hold.*; exit 1; }

race execute
ran=$(cat "$work"/execute.* | grep -c '^ran$' || true)
results=$(cat "$work"/execute.* | grep '^result: ' | sort | uniq -c)
echo "execute after the holder crashed: $ran of 8 ran the operation; results:"
echo "$results"
[[ $ran == 1 ]] || exit 1
[[ $(wc -l <<<"$results") == 1 && $results == *" 8 result: "*", attempt 2" ]] || exit 1
