#!/usr/bin/env bash
# The integration cluster's installer: our schema and its optional notify
# part (the compat cluster has the official schema without it, so consumers
# are tested both with wake-ups and without).
set -euo pipefail
message_db="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../message_db" && pwd)"
"$message_db/install.sh"
"$message_db/notify/install.sh"
