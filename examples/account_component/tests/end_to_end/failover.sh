#!/usr/bin/env bash
# A failover under the account component. A primary and a streaming standby;
# the component and the writers reach the store through libpq's multi-host
# conninfo (target_session_attrs=read-write). The component handles a first
# round of deposits; then (async) the standby falls behind while eight more
# rounds are written and handled on the primary, or (sync) it stays in
# step; the primary crashes and stays down and the standby is promoted
# (async: promoted first, then the primary stops), and a last round is
# written to it. Async runs one consumer of each kind without workers, so
# that the one waiting for a notification meets the failover only as a
# closed connection it replaces by itself; sync runs two workers each.
#
# Asynchronously, the new primary lacks the second round, and its global
# positions start again below what the component had read. The component
# must notice that history went backwards, resume from the position the new
# primary recorded, and handle every deposit the store holds exactly once:
# the last round included (written at positions it had already read
# past). A lossy failover may take commands away, never skip one that is
# there. Synchronously nothing is lost: every deposit written takes effect
# exactly once.
#
# Behind PgBouncer (pooler: transaction pooling, evt_pool_mode=transaction),
# asynchronous and behind as above, the pooler is pointed at the promoted
# standby: the clients' connections survive, and the component must find
# out that history went backwards from what it reads.
#
#   failover.sh BIN_DIR CLUSTER_SCRIPT INSTALLER async|sync|pooler   (clusters of its own)
set -euo pipefail
bin="$1"
cluster_script="$2"
installer="$3"
mode="$4"
primary="$(mktemp -d /tmp/evt-primary.XXXXXX)"
standby="$(mktemp -d /tmp/evt-standby.XXXXXX)"
rmdir "$primary" "$standby"
"$cluster_script" start "$primary" "$installer" >/dev/null
"$cluster_script" standby "$standby" "$primary" "$([ "$mode" = sync ] && echo sync || echo async)" >/dev/null
if [ "$mode" = pooler ]; then
  "$cluster_script" pooler "$primary" >/dev/null
  export PGHOST="$primary" PGPORT=6432 PGUSER=message_store
  export EVT_TEST_CONNINFO="host=$primary port=6432 dbname=message_store user=message_store evt_pool_mode=transaction"
else
  export PGHOST="$primary,$standby" PGPORT=5432,5432 PGUSER=message_store PGTARGETSESSIONATTRS=read-write
  export EVT_TEST_CONNINFO="host=$primary,$standby port=5432,5432 dbname=message_store user=message_store target_session_attrs=read-write"
fi
# shellcheck source=support.sh
. "$(dirname "${BASH_SOURCE[0]}")/support.sh"
trap 'for pid in "${services[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
      "$cluster_script" stop "$standby" >/dev/null 2>&1 || true; "$cluster_script" stop "$primary" >/dev/null 2>&1 || true
      rm -rf "$work"' EXIT

p="failover$RANDOM"
accounts=6
round() {  # N: a deposit of N+1 to each account, keys d<N>-<account>
  for a in $(seq $accounts); do command_sql Deposit "$p-$a" depositId "d$1-$p-$a" $(($1 + 1)); done | query >/dev/null
}
# Deposits the store holds that have no Deposited yet.
unapplied() {
  query -c "SELECT count(*) FROM (SELECT DISTINCT data->>'depositId' AS id FROM message_store.messages
              WHERE message_store.category(stream_name) = 'account:command' AND type = 'Deposit'
                AND stream_name LIKE 'account:command-$p-%') c
            WHERE NOT EXISTS (SELECT FROM message_store.messages e WHERE e.stream_name LIKE 'account-$p-%'
                                AND e.type = 'Deposited' AND e.data->>'depositId' = c.id)"
}
all_applied() {
  local left
  left="$(unapplied)" || return 1
  [ "$left" = 0 ] || { echo "$left deposits in the store without their Deposited"; return 1; }
}

for a in $(seq $accounts); do open_sql "$p-$a"; done | query >/dev/null
if [ "$mode" = sync ]; then start_service --concurrency 2; else start_service; fi
round 1
wait_until 60 "the first round applied" all_applied

[ "$mode" = sync ] || "$cluster_script" detach "$standby"
# More than the 32 global positions a sequence logs ahead: the promoted
# standby hands out again positions the component read on the primary.
for n in $(seq 2 9); do round "$n"; done
wait_until 60 "the second rounds applied on the primary" all_applied
# The commands, copies and events (positions are written without waiting
# for the flush, nor for a synchronous standby: a failover may take the last
# of them back, at the cost of re-deliveries only).
last_written() {
  query -c "SELECT max(global_position) FROM message_store.messages
            WHERE message_store.category(stream_name) IN ('account:command', 'account')"
}
read_past="$(last_written)"
if [ "$mode" = sync ]; then
  "$cluster_script" halt "$primary"
  "$cluster_script" promote "$standby"
else
  # Promoted first: a consumer waiting for a notification finds its
  # connection closed when the primary goes, and reconnects (to the new
  # primary) without an error reaching it.
  "$cluster_script" promote "$standby"
  "$cluster_script" halt "$primary"
  [ "$mode" != pooler ] || "$cluster_script" repoint "$primary" "$standby"
fi
head="$(last_written)"
round 10
third="$(query -c "SELECT min(global_position) FROM message_store.messages WHERE data->>'depositId' LIKE 'd10-$p-%'")"
if [ "$mode" = sync ]; then
  [ "$head" -ge "$read_past" ] || fail "a synchronous standby lost history: its head is $head, the primary's was $read_past"
else
  [ "$third" -le "$read_past" ] ||
    fail "the standby did not fall behind enough: the third round is at $third, the component read up to $read_past"
fi
wait_until 60 "every deposit the promoted standby holds applied" all_applied

twice="$(query -c "SELECT count(*) FROM (SELECT data->>'depositId' FROM message_store.messages
                   WHERE stream_name LIKE 'account-$p-%' AND type = 'Deposited' GROUP BY 1 HAVING count(*) > 1) s")"
[ "$twice" = 0 ] || fail "$twice deposits applied twice"
rounds="$(query -c "SELECT count(DISTINCT data->>'depositId') FROM message_store.messages
                    WHERE stream_name LIKE 'account:command-$p-%' AND type = 'Deposit'")"
if [ "$mode" = sync ]; then
  [ "$rounds" = $((10 * accounts)) ] || fail "$rounds deposits in the store, $((10 * accounts)) written"
else
  grep -q "History went backwards" "$work/service.log" ||
    fail "the component did not say that history went backwards: $(grep -E "Connection lost|Resumed" "$work/service.log" | tail -3)"
fi
for pid in "${services[@]}"; do kill -0 "$pid" 2>/dev/null || fail "account-component exited: $(tail -5 "$work/service.log")"; done
stop_services
echo "$mode failover: the promoted standby's head $head (the primary's was $read_past), the last round from $third;" \
  "$rounds deposits in the store, each applied once"
