#!/usr/bin/env bash
# Every test: installs what is missing, builds with AddressSanitizer and
# UndefinedBehaviorSanitizer (warnings are errors), and runs ctest: unit
# tests, the integration suite against our schema, the same suite against the
# official Message DB 1.3 (label compat), the store's users through PgBouncer
# in transaction pooling mode (label pooler), the robustness suite (faults,
# bad input, security, a short soak) and the install test. ctest starts and stops
# its own throwaway PostgreSQL clusters. Then the threaded tests again under
# ThreadSanitizer, and each fuzzer for a bounded time.
#
#   EVT_BUILD_DIR     build folder (default: build/tests; the ThreadSanitizer
#                     and fuzzing builds in the same path + -tsan, -fuzz)
#   EVT_FUZZ_SECONDS  time per fuzzer (default 20)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${EVT_BUILD_DIR:-$repo/build/tests}"
official_version="1.3.1"  # npm @eventide/message-db, which ships Message DB 1.3.0

echo "== Dependencies"
"$repo/.ci/install-debian-packages.sh"

echo "== Official Message DB $official_version (for the compat run)"
official="$build/official-message-db/package/database/install.sh"
if [ ! -x "$official" ]; then
  mkdir -p "$build/official-message-db"
  (cd "$build/official-message-db" &&
    npm pack --silent "@eventide/message-db@$official_version" >/dev/null &&
    tar xzf "eventide-message-db-$official_version.tgz")
fi
echo "$official"

echo "== Build"
cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Debug -DEVT_SANITIZE=ON -DEVT_WARNINGS_AS_ERRORS=ON \
  -DEVT_OFFICIAL_MESSAGE_DB="$official" >/dev/null
cmake --build "$build" -j2

echo "== Tests"
(cd "$build" && ctest --output-on-failure -j2 --timeout 300)

# The consumer, host and component threads (and everything they touch) under
# ThreadSanitizer: the integration tests of consumers, the host, the entity
# store, reservations, idempotency records and atomic phases, the
# robustness tests, the account component, consumers with workers, the metrics endpoint (its HTTP
# thread reads what the consumers count), the idempotency manager's
# threads on memory, and account-api's request threads and outcome watcher
# (its rules and its parallel requests, as processes).
echo "== ThreadSanitizer"
tsan="$build-tsan"
cmake -S "$repo" -B "$tsan" -DCMAKE_BUILD_TYPE=Debug -DEVT_TSAN=ON -DEVT_WARNINGS_AS_ERRORS=ON >/dev/null
cmake --build "$tsan" -j2 --target evt_integration_tests evt_robustness_tests evt_robustness_parallel_tests \
  account_component_end_to_end_tests evt_unit_tests evt_metrics_integration_tests account-component account-api
(cd "$tsan" && ctest --output-on-failure -j2 --timeout 300 \
  -R '^(integration\.(Cluster|Consumer|ConsumerWorkers|Host|Reconnect|Reservation|EntityStore|AccountComponent|RacingWriters|TerminatedBackend|BadInput|Secrets|MessageStore|IdempotencyMessageStore|AtomicPhases|Projector|MetricsEndpoint|AccountApi)|unit\.(Memory|IdempotencyManager|IdempotencyExecutor|MemoryStorage|MetricsRegistry))\.' \
  -E '\.(ConsumerGroup|AccountComponentService|Soak)\.|\.AccountApi\.KilledInTheMiddle')

echo "== Fuzzing"
EVT_FUZZ_BUILD_DIR="$build-fuzz" EVT_FUZZ_SECONDS="${EVT_FUZZ_SECONDS:-20}" "$repo/tests/fuzz/run.sh"
