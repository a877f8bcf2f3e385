#!/usr/bin/env bash
# What metrics cost a consumer, in one run on one throwaway server: catching
# up over the messages without a metrics endpoint and with one scraped every
# 100 ms (best of alternating rounds), and the counting every consumer does.
#
#   metrics_benchmark.sh EVT_METRICS_BENCH [MESSAGES [ROUNDS]]
set -euo pipefail
bench="$(realpath "$1")"
messages="${2:-500000}"
rounds="${3:-5}"
# shellcheck source=throwaway_server.sh
. "$(dirname "${BASH_SOURCE[0]}")/throwaway_server.sh"
"$bench" --messages "$messages" --rounds "$rounds" >"$scratch/results"
read -r _ off <<<"$(grep '^off ' "$scratch/results")"
read -r _ on scrapes <<<"$(grep '^on ' "$scratch/results")"
read -r _ plain counter progress <<<"$(grep '^count_ns ' "$scratch/results")"
echo "A consumer catching up over $messages messages (a handler that only counts), $(nproc) cores, best of $rounds:"
printf '  metrics off:                           %8.0f messages/s\n' "$off"
printf '  metrics on, scraped every 100 ms:      %8.0f messages/s (%s scrapes in the best round)\n' "$on" "$scrapes"
awk -v on="$on" -v off="$off" 'BEGIN { printf "  on / off = %.3f\n", on / off }'
echo "The counting every consumer does, per message (ns):"
printf '  a plain integer %s, telemetry::counter %s, counter + progress (position, clock) %s\n' "$plain" "$counter" "$progress"
