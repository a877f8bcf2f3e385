#!/usr/bin/env bash
# evt::store against its limits, side by side on one throwaway server (our
# schema), in one run; prints each ratio (evt / limit).
#
#   store_benchmarks.sh EVT_STORE_BENCH [SECONDS]
#
# 1. single-message writes, 1 and 8 concurrent writers, vs pgbench running
#    the same write_message call (prepared) with the same client count;
# 2. batches of 100 in one round trip vs a server-side PL/pgSQL loop of 100
#    write_message calls in one transaction (no round trips at all);
# 3. reading a 100,000-message category vs psql's \copy of the same function
#    call to /dev/null (best of 5 each; evt with its default batches of 1,000
#    and with one unlimited batch, as \copy), and a consumer with a no-op
#    handler reading it to the end, recording its position every 100
#    (Eventide's default) and every 1000 messages (once per batch).
set -euo pipefail

bench="$(realpath "$1")"
seconds="${2:-10}"
# shellcheck source=throwaway_server.sh
. "$(dirname "${BASH_SOURCE[0]}")/throwaway_server.sh"


echo "evt::store benchmarks, PostgreSQL $(psql -X -tAc 'SHOW server_version'), $(nproc) cores, ${seconds}s per run"
echo

printf '%-34s %14s %14s %7s\n' "single-message writes" "evt msg/s" "pgbench msg/s" ratio
for clients in 1 8; do
  read -r count elapsed < <("$bench" write "$clients" "$seconds")
  ours="$(rate "$count" "$elapsed")"
  limit="$(pgbench -n -M prepared -c "$clients" -j "$clients" -T "$seconds" -f "$scratch/write.sql" 2>/dev/null |
    awk '/^tps/ { printf "%.0f", $3 }')"
  printf '%-34s %14s %14s %7s\n' "  $clients writer(s)" "$ours" "$limit" "$(ratio "$ours" "$limit")"
done
echo

cat >"$scratch/loop.sql" <<'SQL'
DO $$
DECLARE
  _stream varchar := 'benchLoop-' || gen_random_uuid();
BEGIN
  FOR i IN 1..100 LOOP
    PERFORM message_store.write_message(gen_random_uuid()::varchar, _stream, 'SomeType', '{"attribute": "some value"}');
  END LOOP;
END
$$;
SQL
printf '%-34s %14s %14s %7s\n' "batches of 100, one stream each" "evt msg/s" "PL/pgSQL msg/s" ratio
read -r count elapsed < <("$bench" batch 100 "$seconds")
ours="$(rate "$count" "$elapsed")"
limit="$(pgbench -n -c 1 -T "$seconds" -f "$scratch/loop.sql" 2>/dev/null | awk '/^tps/ { printf "%.0f", $3 * 100 }')"
printf '%-34s %14s %14s %7s\n' "  1 writer" "$ours" "$limit" "$(ratio "$ours" "$limit")"
echo

"$bench" fill benchRead 100000
limit="$(best_seconds psql -X -q -c "\\copy (SELECT * FROM message_store.get_category_messages('benchRead', 1, -1)) TO '/dev/null'")"
printf '%-34s %14s %14s %7s\n' "read 100,000 messages" "evt s" "psql \\copy s" ratio
for batch in 1000 -1; do
  ours="$(best_seconds "$bench" read benchRead "$batch")"
  printf '%-34s %14s %14s %7s\n' "  batch size $batch" "$ours" "$limit" "$(ratio "$limit" "$ours")"
done
for interval in 100 1000; do
  ours="$(best_seconds "$bench" consume benchRead "$interval")"
  printf '%-34s %14s %14s %7s\n' "  consumer, position every $interval" "$ours" "$limit" "$(ratio "$limit" "$ours")"
done
echo
echo "ratio = evt / limit (for reads: limit time / evt time); 1.00 means as fast as the limit"
