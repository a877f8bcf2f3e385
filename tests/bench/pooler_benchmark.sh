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
# 1. single-message writes, 1 and 8 concurrent writers (best of 3 rounds of
#    SECONDS each; pgbench: one run);
# 2. reading a 100,000-message category in batches of 1,000 (best of 5).
set -euo pipefail

bench="$(realpath "$1")"
seconds="${2:-5}"
export EVT_CLUSTER_DURABLE="${EVT_CLUSTER_DURABLE:-1}"
# shellcheck source=throwaway_server.sh
. "$(dirname "${BASH_SOURCE[0]}")/throwaway_server.sh"
"$repo/message_db/temporary-cluster.sh" pooler "$cluster" >/dev/null

direct="port=5432"
pooled="port=6432 evt_pool_mode=transaction"

echo "evt::store through a transaction pooler, PostgreSQL $(psql -X -tAc 'SHOW server_version'), fsync $(psql -X -tAc 'SHOW fsync'), $(pgbouncer --version | head -1), $(nproc) cores, ${seconds}s per run"
echo

printf '%-26s %10s %10s %10s %10s %9s %9s\n' "single-message writes/s" prepared unnamed pooled "pgbench" "unnamed/" "pooled/"
printf '%-26s %10s %10s %10s %10s %9s %9s\n' "" direct direct "" pooled prepared pgbench
for clients in 1 8; do
  # The best of 3 rounds, the three ways taking turns in each: a busy
  # moment of the machine does not fall on one of them only.
  results=(0 0 0)
  for _ in 1 2 3; do
    way=0
    for conninfo in "$direct" "$direct evt_pool_mode=transaction" "$pooled"; do
      read -r count elapsed < <(EVT_BENCH_CONNINFO="$conninfo" "$bench" write "$clients" "$seconds")
      measured="$(rate "$count" "$elapsed")"
      [ "$measured" -le "${results[$way]}" ] || results[way]="$measured"
      way=$((way + 1))
    done
  done
  limit="$(PGPORT=6432 pgbench -n -M extended -c "$clients" -j "$clients" -T "$seconds" -f "$scratch/write.sql" 2>/dev/null |
    awk '/^tps/ { printf "%.0f", $3 }')"
  printf '%-26s %10s %10s %10s %10s %9s %9s\n' "  $clients writer(s)" "${results[@]}" "$limit" \
    "$(ratio "${results[1]}" "${results[0]}")" "$(ratio "${results[2]}" "$limit")"
done
echo

EVT_BENCH_CONNINFO="$direct" "$bench" fill benchRead 100000
printf '%-26s %10s %10s %10s %9s %9s\n' "read 100,000 messages, s" prepared unnamed pooled "unnamed/" "pooled/"
times=()
for conninfo in "$direct" "$direct evt_pool_mode=transaction" "$pooled"; do
  times+=("$(EVT_BENCH_CONNINFO="$conninfo" best_seconds "$bench" read benchRead 1000)")
done
printf '%-26s %10s %10s %10s %9s %9s\n' "  batches of 1,000" "${times[@]}" \
  "$(ratio "${times[0]}" "${times[1]}")" "$(ratio "${times[0]}" "${times[2]}")"
echo
echo "ratios are throughput against the one named below them (for reads: prepared time / time); 1.00 means as fast"
