#!/usr/bin/env bash
# Entity store fetches on a throwaway server, with the ratios that matter:
# uncached / cached at 100 events, no snapshot / snapshot at 10,000 events.
#
#   entity_store_benchmark.sh EVT_ENTITY_STORE_BENCH
set -euo pipefail
bench="$(realpath "$1")"
# shellcheck source=throwaway_server.sh
. "$(dirname "${BASH_SOURCE[0]}")/throwaway_server.sh"
"$bench" --benchmark_min_time=2 \
  --benchmark_out="$scratch/results.csv" --benchmark_out_format=csv
time_of() { awk -F, -v name="\"$1\"" '$1 == name { print $3 }  # real_time' "$scratch/results.csv"; }
ratio() { awk -v a="$(time_of "$1")" -v b="$(time_of "$2")" 'BEGIN { printf "%.1f", a / b }'; }
echo
echo "100 events:    uncached / cached        = $(ratio FetchUncached/100 FetchCached/100)x"
echo "10,000 events: no snapshot / snapshot   = $(ratio FetchUncached/10000 FetchUncachedFromSnapshot/10000)x"
