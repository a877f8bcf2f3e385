#!/usr/bin/env bash
# What evt pays for a transaction pooler, side by side on one throwaway
# server with durable commits (fsync on; EVT_CLUSTER_DURABLE=0 for off), in
# one run: evt::store's prepared statements (the default) against unnamed
# ones (pool_mode::transaction) on a direct connection, and unnamed ones
# through PgBouncer (pool_mode = transaction, a pool of 2 server
# connections); pgbench's same write through PgBouncer is the limit there.
#
#   pooler_benchmark.sh EVT_STORE_BENCH [SECONDS]
#
# 1. single-message writes, 1 and 8 concurrent writers;
# 2. reading a 100,000-message category in batches of 1,000 (best of 5).
set -euo pipefail

bench="$(realpath "$1")"
seconds="${2:-10}"
export EVT_CLUSTER_DURABLE="${EVT_CLUSTER_DURABLE:-1}"
# shellcheck source=throwaway_server.sh
. "$(dirname "${BASH_SOURCE[0]}")/throwaway_server.sh"
"$repo/message_db/temporary-cluster.sh" pooler "$cluster" >/dev/null

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n / s }'; }
direct="port=5432"
pooled="port=6432 evt_pool_mode=transaction"

echo "evt::store through a transaction pooler, PostgreSQL $(psql -X -tAc 'SHOW server_version'), fsync $(psql -X -tAc 'SHOW fsync'), $(pgbouncer --version | head -1), $(nproc) cores, ${seconds}s per run"
echo

cat >"$scratch/write.sql" <<'SQL'
\set id random(1, 1000000000)
SELECT message_store.write_message(gen_random_uuid()::varchar, 'benchWrite-' || :id, 'SomeType', '{"attribute": "some value"}', NULL, NULL);
SQL
printf '%-26s %10s %10s %10s %10s %9s %9s\n' "single-message writes/s" prepared unnamed pooled "pgbench" "unnamed/" "pooled/"
printf '%-26s %10s %10s %10s %10s %9s %9s\n' "" direct direct "" pooled prepared pgbench
for clients in 1 8; do
  results=()
  for conninfo in "$direct" "$direct evt_pool_mode=transaction" "$pooled"; do
    read -r count elapsed < <(EVT_BENCH_CONNINFO="$conninfo" "$bench" write "$clients" "$seconds")
    results+=("$(rate "$count" "$elapsed")")
  done
  limit="$(PGPORT=6432 pgbench -n -M extended -c "$clients" -j "$clients" -T "$seconds" -f "$scratch/write.sql" 2>/dev/null |
    awk '/^tps/ { printf "%.0f", $3 }')"
  printf '%-26s %10s %10s %10s %10s %9s %9s\n' "  $clients writer(s)" "${results[@]}" "$limit" \
    "$(ratio "${results[1]}" "${results[0]}")" "$(ratio "${results[2]}" "$limit")"
done
echo

EVT_BENCH_CONNINFO="$direct" "$bench" fill benchRead 100000
best() {  # best wall-clock seconds of 5 runs of a command
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
printf '%-26s %10s %10s %10s %9s %9s\n' "read 100,000 messages, s" prepared unnamed pooled "unnamed/" "pooled/"
times=()
for conninfo in "$direct" "$direct evt_pool_mode=transaction" "$pooled"; do
  times+=("$(EVT_BENCH_CONNINFO="$conninfo" best "$bench" read benchRead 1000)")
done
printf '%-26s %10s %10s %10s %9s %9s\n' "  batches of 1,000" "${times[@]}" \
  "$(ratio "${times[0]}" "${times[1]}")" "$(ratio "${times[0]}" "${times[2]}")"
echo
echo "ratios are throughput against the one named below them (for reads: prepared time / time); 1.00 means as fast"
