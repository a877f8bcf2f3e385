# Sourced by the benchmark scripts: a throwaway server for this run, and a
# scratch folder, both gone when the script exits. Sets repo, cluster and
# scratch; exports PG* for role message_store in database message_store.
# Gives them $scratch/write.sql (pgbench's single-message write, as
# evt_store_bench write makes it) and ratio, rate and best_seconds.
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cluster="$(mktemp -d /tmp/evt-bench.XXXXXX)"
scratch="$(mktemp -d /tmp/evt-bench-scratch.XXXXXX)"
trap '"$repo/message_db/temporary-cluster.sh" stop "$cluster" >/dev/null; rm -rf "$scratch"' EXIT
"$repo/message_db/temporary-cluster.sh" start "$cluster" >/dev/null
# shellcheck source=/dev/null
. "$cluster/env.sh"
export PGDATABASE=message_store PGUSER=message_store

cat >"$scratch/write.sql" <<'SQL'
\set id random(1, 1000000000)
SELECT message_store.write_message(gen_random_uuid()::varchar, 'benchWrite-' || :id, 'SomeType', '{"attribute": "some value"}', NULL, NULL);
SQL

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n / s }'; }
best_seconds() {  # best wall-clock seconds of 5 runs of a command
  local best=""
  for _ in 1 2 3 4 5; do
    local start end
    start=$(date +%s.%N)
    "$@" >/dev/null
    end=$(date +%s.%N)
    best="$(awk -v b="$best" -v s="$start" -v e="$end" 'BEGIN { t = e - s; if (b == "" || t < b) b = t; printf "%.4f", b }')"
  done
  echo "$best"
}
