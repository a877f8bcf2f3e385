#!/usr/bin/env bash
# The message codec's cost per message beside one store round trip, on a
# throwaway server: message_codec_benchmark.sh EVT_MESSAGE_CODEC_BENCH
set -euo pipefail
bench="$(realpath "$1")"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cluster="$(mktemp -d /tmp/evt-codec-bench.XXXXXX)"
trap '"$repo/message_db/temporary-cluster.sh" stop "$cluster" >/dev/null' EXIT
"$repo/message_db/temporary-cluster.sh" start "$cluster" >/dev/null
# shellcheck source=/dev/null
. "$cluster/env.sh"
PGDATABASE=message_store PGUSER=message_store "$bench" --benchmark_min_time=2
