#!/usr/bin/env bash
# The message codec's cost per message beside one store round trip, on a
# throwaway server: message_codec_benchmark.sh EVT_MESSAGE_CODEC_BENCH
set -euo pipefail
bench="$(realpath "$1")"
# shellcheck source=throwaway_server.sh
. "$(dirname "${BASH_SOURCE[0]}")/throwaway_server.sh"
"$bench" --benchmark_min_time=2
