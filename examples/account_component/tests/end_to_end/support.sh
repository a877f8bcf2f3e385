# Shared by the end-to-end scripts (sourced). Needs PGHOST/PGPORT (the test
# cluster), EVT_TEST_CONNINFO (the service's database) and $bin (the folder
# of account-component). Makes $work, a scratch folder; on exit it is
# removed and any service or helper still running is killed.

work="$(mktemp -d /tmp/evt-e2e.XXXXXX)"
services=()
helpers=()  # other background processes of a script, killed with their children on exit
trap 'for pid in "${helpers[@]}"; do pkill -P "$pid" 2>/dev/null || true; kill "$pid" 2>/dev/null || true; done
      for pid in "${services[@]}"; do kill -9 "$pid" 2>/dev/null || true; done; rm -rf "$work"' EXIT

fail() { echo "FAILED: $*" >&2; exit 1; }
query() { psql -X -q -tA -v ON_ERROR_STOP=1 -d message_store -U message_store "$@"; }

# SQL that writes a command as any Eventide client would (SPEC 11).
command_sql() {  # TYPE ACCOUNT ID_KEY ID AMOUNT
  printf "SELECT message_store.write_message(gen_random_uuid()::text, 'account:command-%s', '%s', " "$2" "$1"
  printf "'{\"%s\": \"%s\", \"accountId\": \"%s\", \"amount\": %s, \"time\": \"2026-11-24T12:00:00.000Z\"}');\n" "$3" "$4" "$2" "$5"
}
open_sql() {  # ACCOUNT
  printf "SELECT message_store.write_message(gen_random_uuid()::text, 'account:command-%s', 'Open', " "$1"
  printf "'{\"accountId\": \"%s\", \"customerId\": \"c-%s\", \"time\": \"2026-11-24T12:00:00.000Z\"}');\n" "$1" "$1"
}

# Opens accounts PREFIX-1 .. PREFIX-N, each with a first deposit of 1000, so
# that small withdrawals are never rejected whatever the order.
open_accounts() {  # PREFIX N
  : >"$work/setup.sql"
  for a in $(seq "$2"); do
    open_sql "$1-$a" >>"$work/setup.sql"
    command_sql Deposit "$1-$a" depositId "initial-$1-$a" 1000 >>"$work/setup.sql"
  done
  query -f "$work/setup.sql" >/dev/null
}

# Withdrawals of this much are always rejected (no account gets near it).
too_much=1000000

# $work/expected from $work/commands (TYPE ACCOUNT KEY ID AMOUNT lines):
# each account's balance after its first 1000 and each distinct command.
expect_balances() {
  awk -v too_much=$too_much '{ b[$2] += ($1 == "Deposit" ? $5 : ($5 < too_much ? -$5 : 0)) }
    END { for (a in b) print a, b[a] + 1000 }' "$work/commands" >"$work/expected"
}

start_service() {  # [account-component options...]; appends its pid to services
  "$bin/account-component" --database "$EVT_TEST_CONNINFO" --poll-interval-ms 20 "$@" >>"$work/service.log" 2>&1 &
  services+=($!)
}
stop_services() {  # SIGTERM once each takes it, and each must exit 0
  for pid in "${services[@]}"; do
    wait_until 10 "account-component (pid $pid) taking SIGTERM" takes_sigterm "$pid"
    kill -TERM "$pid"
    wait "$pid" || fail "account-component (pid $pid) did not stop cleanly: $(tail -5 "$work/service.log")"
  done
  services=()
}

exit_status() {  # PID of a service that exited: how
  local status=0
  wait "$1" 2>/dev/null || status=$?
  if [ "$status" -gt 128 ]; then echo "signal $((status - 128))"; else echo "status $status"; fi
}

# Runs CHECK every 0.1 s until it succeeds, for at most SECONDS, and fails
# with what it said last; every service must keep running meanwhile.
wait_until() {  # SECONDS WHAT CHECK...
  local seconds=$1 what=$2 deadline=$((SECONDS + $1)) said pid
  shift 2
  until said="$("$@" 2>&1)"; do
    for pid in "${services[@]}"; do
      kill -0 "$pid" 2>/dev/null || fail "a service (pid $pid) exited ($(exit_status "$pid")) while waiting for $what:" \
        "$(grep -hE "Consumer failed|Sanitizer|terminate called" "$work"/service*.log | tail -n 5; tail -n 5 "$work"/*.log)"
    done
    [ "$SECONDS" -lt "$deadline" ] || fail "no $what after $seconds s: $said; logs: $(tail -n 5 "$work"/*.log)"
    sleep 0.1
  done
}

# Waits until the accounts prefixed $1 have $2 events in all, at most $3 s.
wait_for_events() {  # PREFIX COUNT SECONDS
  wait_until "$3" "$2 events of the accounts $1-*" has_events "$1" "$2"
}
has_events() {  # PREFIX COUNT
  local count
  count="$(query -c "SELECT count(*) FROM message_store.messages WHERE stream_name LIKE 'account-$1-%'")" || return 1
  [ "$count" -ge "$2" ] || { echo "$count so far"; return 1; }
}

# Whether the consumer whose position stream is STREAM (each member of a
# group of GROUP_SIZE: STREAM+0 ...) has handled everything in CATEGORY:
# reading its part of the category after the position it recorded finds
# nothing. The category is read each time, so what handling wrote there (the
# reservation's copies) must be handled too. Consumers record their position
# once idle, so this comes true while they run.
handled() {  # CATEGORY STREAM [GROUP_SIZE]
  local behind="" member stream group
  for member in $(seq 0 $((${3:-1} - 1))); do
    stream="$2" group=""
    [ $# -lt 3 ] || stream="$2+$member" group=", consumer_group_member => $member, consumer_group_size => $3"
    behind+="$(query -c "SELECT '$stream at ' || coalesce(last.recorded::text, 'nothing') || ', next ' || next.global_position || '. '
        FROM (SELECT (SELECT (data->>'position')::bigint FROM message_store.messages
                      WHERE stream_name = '$stream' AND type = 'Recorded' ORDER BY position DESC LIMIT 1) AS recorded) AS last,
             message_store.get_category_messages('$1', coalesce(last.recorded, 0) + 1, 1$group) AS next")" || return 1
  done
  [ -z "$behind" ] || { echo "$behind"; return 1; }
}
wait_until_handled() {  # CATEGORY STREAM [GROUP_SIZE]
  wait_until 120 "$2 past the last message of $1" handled "$@"
}

# The same for the account component (one, or GROUP_SIZE members: both its
# consumers, the reservations' and the reserved copies'), and its log has
# the last command: after parking N the position it records is
# N + 1, the next to read, so the position alone does not tell whether a
# last command at N + 1 was handled yet; its log line (handled or parked) does.
component_handled() {  # [GROUP_SIZE]
  if [ $# -eq 0 ]; then
    handled account:command account:command+position || return 1
    handled account:command account:command+position-reservedCopies || return 1
  else
    handled account:command account:command+position-accountComponent "$1" || return 1
    handled account:command account:command+position-accountComponentReservedCopies "$1" || return 1
  fi
  local last
  last="$(query -c "SELECT max(global_position) FROM message_store.messages
                    WHERE message_store.category(stream_name) = 'account:command'")" || return 1
  [ -z "$last" ] || grep -qE "Global ?Position: $last[,)]" "$work/service.log" || { echo "command $last not in the log yet"; return 1; }
}
wait_until_component_handled() {  # [GROUP_SIZE]
  wait_until 120 "the account component past the last command" component_handled "$@"
}

# The function WRITER run as writers 0 to 3 in the background while
# CLUSTER_SCRIPT ACTION DIR (restart, crash) is done COUNT times, 0.3 to
# 0.7 s apart; then, once the writers are done and the two group members
# have handled everything, both must still be the processes started before;
# they are stopped and the accounts PREFIX-* checked.
writers_across_server_events() {  # WRITER COUNT CLUSTER_SCRIPT ACTION DIR PREFIX
  local w events=0
  for w in 0 1 2 3; do
    "$1" $w &
    helpers+=($!)
  done
  while [ "$events" -lt "$2" ]; do
    sleep "0.$((RANDOM % 5 + 3))"
    "$3" "$4" "$5"
    events=$((events + 1))
  done
  for w in 0 1 2 3; do
    wait "${helpers[$w]}" || fail "writer $w gave up: $(tail -3 "$work/writer-$w.log")"
  done
  wait_until_component_handled 2
  for pid in "${services[@]}"; do
    kill -0 "$pid" 2>/dev/null || fail "account-component (pid $pid) exited: $(tail -5 "$work/service.log")"
  done
  stop_services
  check_accounts "$6"
}

# Whether process PID takes SIGTERM, so that SIGTERM stops it cleanly: it
# catches it, or one of its threads blocks it (to wait for it; the thread
# waiting shows it unblocked meanwhile). One just started may not yet.
takes_sigterm() {  # PID
  local masks=0 mask
  for mask in $(awk '$1 == "SigBlk:" || $1 == "SigCgt:" { print $2 }' /proc/"$1"/task/*/status); do
    masks=$((masks | 0x$mask))
  done
  (( masks & 1 << 14 ))  # SIGTERM is signal 15
}

# Every deposit and withdrawal of accounts prefixed $1 took effect exactly
# once (applied, or rejected), none of $work/commands is missing, and each
# account's balance is what $work/expected says (ACCOUNT BALANCE lines).
check_accounts() {
  local twice wrong outcomes distinct rejected
  twice="$(query -c "SELECT string_agg(key, ', ') FROM (
      SELECT coalesce(data->>'depositId', data->>'withdrawalId') AS key FROM message_store.messages
      WHERE stream_name LIKE 'account-$1-%' AND type IN ('Deposited', 'Withdrawn', 'WithdrawalRejected')
      GROUP BY 1 HAVING count(*) > 1) s")"
  [ -z "$twice" ] || fail "applied more than once: $twice"
  outcomes="$(query -c "SELECT count(*) FROM message_store.messages WHERE stream_name LIKE 'account-$1-%'
      AND type IN ('Deposited', 'Withdrawn', 'WithdrawalRejected')
      AND data->>'depositId' IS DISTINCT FROM ('initial-' || substr(stream_name, 9))")"
  distinct="$(sort -u "$work/commands" | wc -l)"
  [ "$outcomes" = "$distinct" ] || fail "$outcomes commands have an outcome, of $distinct distinct ones issued"
  rejected="$(query -c "SELECT count(*) FROM message_store.messages WHERE stream_name LIKE 'account-$1-%' AND type = 'WithdrawalRejected'")"
  [ "$rejected" = "$(awk -v too_much=$too_much '$5 >= too_much' "$work/commands" | sort -u | wc -l)" ] ||
    fail "$rejected withdrawals rejected, not exactly those of $too_much"
  query -c "SELECT substr(stream_name, 9) || ' ' || (sum(CASE type WHEN 'Deposited' THEN (data->>'amount')::numeric
                                                             WHEN 'Withdrawn' THEN -(data->>'amount')::numeric
                                                             ELSE 0 END))::text
            FROM message_store.messages WHERE stream_name LIKE 'account-$1-%' GROUP BY stream_name ORDER BY 1" >"$work/actual"
  sort "$work/expected" -o "$work/expected"
  wrong="$(diff "$work/expected" "$work/actual" || true)"
  [ -z "$wrong" ] || fail "balances differ (expected < > actual):
$wrong"
}

# The lines of FILE, each once more LATER lines after it.
reissued_later() {  # LATER FILE
  awk -v later="$1" '{ lines[NR] = $0 }
    END { for (i = 1; i <= NR + later; i++) { if (i <= NR) print lines[i]; if (i > later) print lines[i - later] } }' "$2"
}

# SQL issuing the commands of standard input (TYPE ACCOUNT KEY ID AMOUNT
# lines), SECONDS apart.
commands_sql() {  # SECONDS
  while read -r type account key id amount; do
    command_sql "$type" "$account" "$key" "$id" "$amount"
    echo "SELECT pg_sleep($1);"
  done
}

# Issues the SQL file while the one service runs, killing it (SIGKILL) at
# random moments and starting it again: while the commands arrive, then, if
# fewer than KILLS so far, while it works through the rest. Sets kills.
issue_while_killing() {  # SQL_FILE KILLS
  local issuer
  query -f "$1" >/dev/null &
  issuer=$!
  kills=0
  while kill -0 "$issuer" 2>/dev/null || [ "$kills" -lt "$2" ]; do
    sleep "0.$((RANDOM % 4))$((RANDOM % 10))"
    kill -9 "${services[0]}"
    wait "${services[0]}" 2>/dev/null || true
    services=()
    kills=$((kills + 1))
    start_service
  done
  wait "$issuer" || fail "issuing the commands failed"
}

# Runs COMMAND in the background COUNT times, killing it (SIGKILL) after
# 0.2 to 0.6 s each time; its output goes to LOG. A run that ended by
# itself before its kill must have exited 0. Sets killed: how many were.
kill_repeatedly() {  # COUNT LOG COMMAND...
  local count=$1 log=$2 pid status
  shift 2
  killed=0
  for _ in $(seq "$count"); do
    "$@" >>"$log" 2>&1 &
    pid=$!
    sleep "0.$((RANDOM % 5 + 2))"
    if kill -9 "$pid" 2>/dev/null; then
      killed=$((killed + 1))
      wait "$pid" 2>/dev/null || true
    else
      status=0
      wait "$pid" || status=$?
      [ "$status" = 0 ] || fail "$1 exited with status $status before it was killed: $(tail -3 "$log")"
    fi
  done
}

# Waits until FILE has a line matching PATTERN, at most 60 s.
wait_for_line() {  # FILE PATTERN
  wait_until 60 "line like '$2' in $1" grep -q "$2" "$1"
}
