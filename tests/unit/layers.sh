#!/usr/bin/env bash
# Fails when libpqxx or a header internal to the store is reached outside
# src/store: the rest of evt (consumers, projector, relay, idempotency
# storage...) and the examples go through the public evt::store interface.
#
#   layers.sh REPO
set -euo pipefail
repo="$1"
found="$(grep -rnE '\bpqxx\b|#include "store/' --include='*.cpp' --include='*.hpp' \
  "$repo/include" "$repo/src" "$repo/examples" | grep -v "^$repo/src/store/" || true)"
if [ -n "$found" ]; then
  echo "$found"
  echo "libpqxx or a store-internal header outside src/store (above)" >&2
  exit 1
fi
echo "no libpqxx and no store-internal include outside src/store"
