# Sourced by the benchmark scripts: a throwaway server for this run, and a
# scratch folder, both gone when the script exits. Sets repo, cluster and
# scratch; exports PG* for role message_store in database message_store.
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cluster="$(mktemp -d /tmp/evt-bench.XXXXXX)"
scratch="$(mktemp -d /tmp/evt-bench-scratch.XXXXXX)"
trap '"$repo/message_db/temporary-cluster.sh" stop "$cluster" >/dev/null; rm -rf "$scratch"' EXIT
"$repo/message_db/temporary-cluster.sh" start "$cluster" >/dev/null
# shellcheck source=/dev/null
. "$cluster/env.sh"
export PGDATABASE=message_store PGUSER=message_store
