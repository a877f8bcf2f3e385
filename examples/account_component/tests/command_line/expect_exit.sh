#!/usr/bin/env bash
# A program's command-line contract, one case (evt_command_line_test):
#
#   expect_exit.sh STATUS [PATTERN...] -- PROGRAM [ARGUMENT...]
#
# Runs the program (no store is needed: each case fails or stops before it
# connects, or connects to a socket that is not there) and passes when it
# exits with STATUS and its output (stdout and stderr) matches every
# PATTERN (an extended regular expression).
set -u

expected=$1
shift
patterns=()
while [ "$1" != "--" ]; do
  patterns+=("$1")
  shift
done
shift

output="$("$@" 2>&1)"
status=$?
echo "$output"
[ "$status" = "$expected" ] || { echo "FAILED: $* exited $status, not $expected"; exit 1; }
for pattern in "${patterns[@]}"; do
  grep -Eq -e "$pattern" <<<"$output" || { echo "FAILED: the output of $* does not match: $pattern"; exit 1; }
done
