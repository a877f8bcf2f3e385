#!/usr/bin/env bash
# Consumer-group catch-up: member 0 of 4 reads a 100,000-message category
# from the start to the end, batch by batch (1,000), on our schema and on
# the official Message DB 1.3, in one run on identical data, each in its own
# throwaway cluster. The category shares its table with as many messages of
# another category. Each batch is timed inside the server, so the client
# adds nothing. Measured twice: right after the bulk load (no planner
# statistics yet, as after any large import) and after ANALYZE.
#
#   consumer_group_catch_up.sh [OFFICIAL_INSTALLER]
# OFFICIAL_INSTALLER defaults to $EVT_OFFICIAL_MESSAGE_DB, else the npm
# package @eventide/message-db is fetched into a scratch folder.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cluster="$repo/message_db/temporary-cluster.sh"
messages="${BENCH_MESSAGES:-100000}"
work="$(mktemp -d /tmp/evt-bench.XXXXXX)"
chmod 755 "$work"

cleanup() {
  for schema in ours official; do
    [ ! -d "$work/$schema" ] || "$cluster" stop "$work/$schema" >/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

official="${1:-${EVT_OFFICIAL_MESSAGE_DB:-}}"
if [ -z "$official" ]; then
  (cd "$work" && npm pack --silent @eventide/message-db >/dev/null && tar xzf eventide-message-db-*.tgz)
  official="$work/package/database/install.sh"
fi

"$cluster" start "$work/ours" >/dev/null
"$cluster" start "$work/official" "$official" >/dev/null

as_superuser() { PGHOST="$work/$1" psql -X -q -v ON_ERROR_STOP=1 -U postgres -d message_store "${@:2}"; }
as_application() { PGHOST="$work/$1" psql -X -q -v ON_ERROR_STOP=1 -U message_store -d message_store "${@:2}"; }

for schema in ours official; do
  # Bench data, not the subject: bulk-inserted rather than written one by one.
  as_superuser "$schema" <<SQL
ALTER TABLE message_store.messages SET (autovacuum_enabled = false);
INSERT INTO message_store.messages (stream_name, position, type, data)
SELECT CASE WHEN i % 2 = 0 THEN 'benchCategory-' ELSE 'otherCategory-' END || (i / 2 % 1000),
       i / 2000, 'SomeType', '{"attribute": "some value"}'
FROM generate_series(0, 2 * $messages - 1) AS i;
SQL
done

catch_up() {
  as_application "$1" -tA -F ' ' <<'SQL'
CREATE TEMP TABLE batch_times (batch int, milliseconds double precision);
DO $$
DECLARE
  _position bigint := 1;
  _batch int := 0;
  _count bigint;
  _last bigint;
  _start timestamptz;
BEGIN
  LOOP
    _start := clock_timestamp();
    SELECT count(*), max(global_position) INTO _count, _last
    FROM message_store.get_category_messages('benchCategory', _position, 1000, NULL, 0, 4);
    INSERT INTO batch_times VALUES (_batch, extract(epoch FROM clock_timestamp() - _start) * 1000);
    EXIT WHEN _count < 1000;
    _batch := _batch + 1;
    _position := _last + 1;
  END LOOP;
END
$$;
SELECT count(*),
       round(sum(milliseconds)::numeric, 0),
       round(avg(milliseconds) FILTER (WHERE batch < 5)::numeric, 1),
       round(avg(milliseconds) FILTER (WHERE batch >= (SELECT max(batch) - 5 FROM batch_times)
                                          AND batch < (SELECT max(batch) FROM batch_times))::numeric, 1)
FROM batch_times;
SQL
}

echo "Consumer-group catch-up: member 0 of 4, batches of 1000, category of $messages messages"
echo "(plus $messages of another category), PostgreSQL $(as_superuser ours -tAc 'SHOW server_version')"
for phase in "no statistics" "analyzed"; do
  if [ "$phase" = analyzed ]; then
    for schema in ours official; do as_superuser "$schema" -c 'ANALYZE message_store.messages'; done
  fi
  echo
  echo "== $phase"
  printf '%-9s %8s %10s %18s %18s %8s\n' schema batches "total ms" "first 5 ms/batch" "last 5 ms/batch" growth
  declare -A total=()
  for schema in ours official; do
    read -r batches sum first last < <(catch_up "$schema")
    total[$schema]=$sum
    printf '%-9s %8s %10s %18s %18s %7sx\n' "$schema" "$batches" "$sum" "$first" "$last" \
      "$(awk -v a="$first" -v b="$last" 'BEGIN { printf "%.2f", a / b }')"
  done
  echo "official / ours, total: $(awk -v a="${total[official]}" -v b="${total[ours]}" 'BEGIN { printf "%.1f", a / b }')x"
done
echo
echo "growth = first batches / last batches: about 1 when a batch costs the same"
echo "wherever it starts; much more than 1 when each batch pays for the rest of the category."
