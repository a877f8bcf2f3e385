#!/usr/bin/env bash
# Projector throughput on a throwaway server: events/s one per transaction
# and in batches, and the ratios (same run).
#
#   projector_benchmark.sh EVT_PROJECTOR_BENCH
set -euo pipefail
bench="$(realpath "$1")"
# shellcheck source=throwaway_server.sh
. "$(dirname "${BASH_SOURCE[0]}")/throwaway_server.sh"
export PGUSER=postgres  # the benchmark makes its own table
"$bench" --benchmark_min_time=2 \
  --benchmark_out="$scratch/results.csv" --benchmark_out_format=csv
rate_of() { awk -F, -v name="\"$1\"" '$1 == name { print $7 }  # items_per_second' "$scratch/results.csv"; }
echo
for batch in 1 10 100 1000; do
  printf 'batch %4s: %8.0f events/s\n' "$batch" "$(rate_of "Project/$batch/real_time")"
done
awk -v one="$(rate_of Project/1/real_time)" -v hundred="$(rate_of Project/100/real_time)" \
  'BEGIN { printf "batches of 100 / one per transaction = %.1fx\n", hundred / one }'
