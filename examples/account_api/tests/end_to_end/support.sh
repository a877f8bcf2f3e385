# Shared by the account-api scripts (sourced), on top of the account
# component's (support.sh there: $work, services, wait_until, query, ...).
# Needs $api_bin (the folder of account-api) and $bin (of account-component).

# shellcheck source=../../../account_component/tests/end_to_end/support.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../../account_component/tests/end_to_end/support.sh"

# Starts account-api with OPTIONS, on $api_port or else a free port; sets api_pid and url
# (from its "listening on" line) and appends it to services.
api_starts=0
start_api() {  # [account-api options...]
  api_starts=$((api_starts + 1))
  api_log="$work/api-$api_starts.log"
  "$api_bin/account-api" --database "$EVT_TEST_CONNINFO" --port "${api_port:-0}" "$@" >"$api_log" 2>&1 &
  api_pid=$!
  services+=("$api_pid")
  wait_until 60 "account-api listening" grep -q "Account API listening on" "$api_log"
  url="$(grep -o 'Account API listening on [^ ]*' "$api_log" | cut -d' ' -f5)"
}
forget_service() {  # PID: no longer expected to run
  local kept=() pid
  for pid in "${services[@]}"; do [ "$pid" = "$1" ] || kept+=("$pid"); done
  services=("${kept[@]}")
}
stop_api() {  # SIGTERM; it must exit 0
  wait_until 10 "account-api taking SIGTERM" takes_sigterm "$api_pid"
  kill -TERM "$api_pid"
  wait "$api_pid" || fail "account-api did not stop cleanly: $(tail -5 "$api_log")"
  forget_service "$api_pid"
}
kill_api() {  # SIGKILL
  kill -9 "$api_pid"
  wait "$api_pid" 2>/dev/null || true
  forget_service "$api_pid"
}

# One request with curl: METHOD PATH [BODY] [curl options...]. Prints the
# status; the body is in $work/body, the headers in $work/headers. A body
# is sent as application/json unless the options say otherwise.
request() {
  local method=$1 path=$2 body=${3:-}
  shift 3 || shift $#
  local args=(-sS -o "$work/body" -D "$work/headers" -w '%{http_code}' -X "$method")
  [ -z "$body" ] || args+=(-H 'Content-Type: application/json' --data-binary "$body")
  curl "${args[@]}" "$@" "$url$path"
}
header() {  # NAME: its value in the last answer
  grep -i "^$1:" "$work/headers" | tail -1 | cut -d' ' -f2- | tr -d '\r'
}
member() {  # JQ_FILTER: of the last answer's body
  jq -r "$1" "$work/body"
}
# The last answer must have STATUS, and its body's member "type" (a
# problem's), when given, TYPE.
expect() {  # WHAT STATUS GOT [TYPE]
  [ "$3" = "$2" ] || fail "$1: status $3, not $2: $(cat "$work/body")"
  if [ $# -ge 4 ]; then
    [ "$(member .type)" = "/problems/$4" ] || fail "$1: problem $(member .type), not /problems/$4"
    [ "$(header Content-Type)" = "application/problem+json" ] || fail "$1: Content-Type $(header Content-Type)"
  fi
}
count_messages() {  # SQL condition on message_store.messages
  query -c "SELECT count(*) FROM message_store.messages WHERE $1"
}
