#!/usr/bin/env bash
# Every test: installs what is missing, builds with AddressSanitizer and
# UndefinedBehaviorSanitizer (warnings are errors), and runs ctest: unit
# tests, the integration suite against our schema, the same suite against the
# official Message DB 1.3 (label compat), and the install test. ctest starts
# and stops its own throwaway PostgreSQL clusters.
#
#   EVT_BUILD_DIR  build folder (default: build/tests)
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
cd "$build"
ctest --output-on-failure -j2 --timeout 300
