#!/usr/bin/env bash
# Four consumer processes as one consumer group over one category, while
# messages keep arriving; one member is stopped (SIGTERM) and restarted
# halfway. Then: every message was handled, each stream by exactly one
# member and in stream order, and the only message handled twice is the one
# the restarted member had recorded as its position (delivery is at least
# once: it resumes at the recorded message itself).
#
#   consumer_group_scale_out.sh EVT_GROUP_MEMBER   (EVT_TEST_CONNINFO, PG* as superuser)
set -euo pipefail
member_bin="$1"
category="scaleOut$RANDOM$RANDOM"
fail() { echo "FAILED: $*" >&2; exit 1; }
query() { psql -X -q -tA -v ON_ERROR_STOP=1 -d message_store "$@"; }
pids=()
trap 'for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done' EXIT

query -c "CREATE TABLE IF NOT EXISTS scale_out_handled (
            n bigserial PRIMARY KEY, member int, stream_name text, position bigint, global_position bigint);
          GRANT INSERT, SELECT ON scale_out_handled TO message_store;
          GRANT USAGE ON SEQUENCE scale_out_handled_n_seq TO message_store;"
write() {  # $1 messages over 40 streams
  query -U message_store -c "SELECT count(message_store.write_message(gen_random_uuid()::text,
      '$category-' || (i % 40), 'SomeType', '{}')) FROM generate_series(1, $1) AS i" >/dev/null
}
start() { "$member_bin" "$category" "$1" 4 & pids[$1]=$!; }
handled() { query -c "SELECT count(DISTINCT global_position) FROM scale_out_handled h JOIN message_store.messages m USING (global_position) WHERE m.stream_name LIKE '$category-%'"; }
wait_for_all() {
  local total
  total="$(query -c "SELECT count(*) FROM message_store.messages WHERE stream_name LIKE '$category-%'")"
  for _ in $(seq 600); do [ "$(handled)" = "$total" ] && return 0; sleep 0.1; done
  fail "handled $(handled) of $total messages"
}

write 500
for member in 0 1 2 3; do start "$member"; done
write 500
wait_for_all
kill -TERM "${pids[2]}"; wait "${pids[2]}" || fail "member 2 did not stop cleanly"
recorded="$(query -c "SELECT '2:' || (data->>'position') FROM message_store.messages
       WHERE stream_name = '$category:position-scaleOut+2' ORDER BY position DESC LIMIT 1")"
write 500  # member 2's share waits for it
start 2
write 500
wait_for_all
for member in 0 1 2 3; do kill -TERM "${pids[$member]}"; wait "${pids[$member]}" || fail "member $member exit code"; done
pids=()

mine="n IN (SELECT n FROM scale_out_handled h JOIN message_store.messages m USING (global_position) WHERE m.stream_name LIKE '$category-%')"
[ "$(query -c "SELECT count(*) FROM (SELECT stream_name FROM scale_out_handled WHERE $mine
       GROUP BY stream_name HAVING count(DISTINCT member) > 1) s")" = 0 ] || fail "a stream was handled by two members"
[ "$(query -c "SELECT count(DISTINCT member) FROM scale_out_handled WHERE $mine")" = 4 ] || fail "not every member handled something"
# In stream order: within a stream, each handling's position is the previous
# one + 1, except once where the restarted member re-handles its recorded message.
out_of_order="$(query -c "SELECT count(*) FROM (SELECT position - lag(position) OVER (PARTITION BY stream_name ORDER BY n) AS step
       FROM scale_out_handled WHERE $mine) s WHERE step IS NOT NULL AND step NOT IN (0, 1)")"
[ "$out_of_order" = 0 ] || fail "$out_of_order handlings out of stream order"
twice="$(query -c "SELECT string_agg(member || ':' || global_position, ',') FROM (SELECT member, global_position FROM scale_out_handled
       WHERE $mine GROUP BY member, global_position HAVING count(*) > 1) s")"
[ "$twice" = "$recorded" ] || fail "handled twice: '$twice'; expected only member 2's recorded position '$recorded'"
echo "4 members, 2000 messages over 40 streams, member 2 restarted: each stream one member, in order, none lost; handled twice: $twice (the recorded position)"
