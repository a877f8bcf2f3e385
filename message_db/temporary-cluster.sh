#!/usr/bin/env bash
# A private, throwaway PostgreSQL cluster for tests and the demo.
#
#   temporary-cluster.sh start DIR [INSTALLER]   initdb in DIR, start a server
#       listening only on a unix socket in DIR (no TCP), and install the
#       message store with INSTALLER (default: this folder's install.sh).
#       Writes DIR/env.sh with the PG* variables that reach it.
#   temporary-cluster.sh pooler DIR              start PgBouncer in front of that server, in
#       transaction pooling mode with 2 server connections per user and
#       database, on the unix socket DIR/.s.PGSQL.6432 (PGPORT=6432)
#   temporary-cluster.sh restart DIR             restart that server (tests of reconnection)
#   temporary-cluster.sh crash DIR               stop that server at once (pg_ctl stop -m
#       immediate: what was not flushed is lost) and start it again (crash tests)
#   temporary-cluster.sh standby DIR PRIMARY_DIR [sync|async]   a streaming standby of
#       the server in PRIMARY_DIR (a cluster start made): pg_basebackup -R into DIR,
#       a hot standby listening on DIR's own socket (port 5432, as the others),
#       replicating as application_name evt_standby. async (the default): the
#       primary does not wait for it. sync: it becomes the primary's
#       synchronous standby (synchronous_standby_names, reloaded), so every
#       commit on the primary waits for it from then on: do not detach or
#       stop a synchronous standby while its primary runs. Returns once it
#       streams (sync: once the primary counts it synchronous).
#   temporary-cluster.sh detach DIR              that standby stops receiving WAL
#       (primary_conninfo emptied, reloaded): it stays a hot standby of what
#       it has, and falls behind the primary (failover tests that lose writes)
#   temporary-cluster.sh halt DIR                stop that server at once (pg_ctl stop -m
#       immediate) and leave it stopped (the primary of a failover)
#   temporary-cluster.sh promote DIR             promote that standby; returns once it
#       accepts writes
#   temporary-cluster.sh repoint DIR TARGET_DIR   the PgBouncer in front of DIR's server
#       sends its clients' transactions to TARGET_DIR's server from now on (a failover
#       behind a pooler: the clients keep their connections)
#   temporary-cluster.sh stop DIR                stop that server, delete DIR
#
# As root the server runs as user postgres (PostgreSQL refuses to run as
# root). Only the owner reaches the socket (trust authentication). The data
# is disposable, so durability is traded for speed (fsync=off) unless
# EVT_CLUSTER_DURABLE=1 asks for durable commits (fsync, full page writes,
# as production runs: for benchmarks of work bound by commits); a standby
# takes its primary's. Every command but start and standby only acts on a
# directory that start or standby made.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
marker=".evt-temporary-cluster"
# Every server is named explicitly here: a caller's read-write target (for
# a multi-host conninfo of its own) would refuse the standby it talks to.
unset PGTARGETSESSIONATTRS

usage() {
  echo "usage: $0 start DIR [INSTALLER] | pooler DIR | restart DIR | crash DIR | standby DIR PRIMARY_DIR [sync|async]" \
       "| detach DIR | halt DIR | promote DIR | repoint DIR TARGET_DIR | stop DIR" >&2
  exit 2
}
[ $# -ge 2 ] || usage
command="$1"
dir="$2"

bindir="$(pg_config --bindir 2>/dev/null || true)"
if [ ! -x "$bindir/initdb" ]; then
  bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
fi
[ -x "$bindir/initdb" ] || { echo "PostgreSQL server binaries (initdb, pg_ctl) not found" >&2; exit 1; }

# The server listens on DIR's unix socket only.
start_server() {
  as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/data/server.log" -w -t 60 \
    -o "-c port=5432 -c listen_addresses='' -c unix_socket_directories=$dir -c unix_socket_permissions=0700" \
    start >/dev/null
}

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# A new directory for a server (start, standby): marked as ours, only its
# owner reaches it. Sets dir to its absolute path.
make_cluster_dir() {
  case "$dir" in
    *[!A-Za-z0-9/._-]*) echo "Use a directory path of letters, digits and / . _ - only: $dir" >&2; exit 2 ;;
  esac
  if [ -e "$dir/$marker" ]; then
    echo "Replacing the temporary cluster an earlier run left in $dir"
    "$0" stop "$dir"
  fi
  # stop deletes the directory, so start only takes a new or empty one.
  if [ -e "$dir" ] && [ -n "$(ls -A "$dir")" ]; then
    echo "$dir exists and is not empty; give a new directory" >&2
    exit 1
  fi
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  touch "$dir/$marker"
  # Trust authentication is only safe while nobody else can reach the socket.
  chmod 700 "$dir"
  if [ "$(id -u)" = 0 ]; then
    chown postgres "$dir" "$dir/$marker"
    runuser -u postgres -- test -x "$dir" ||
      { echo "User postgres cannot reach $dir: choose a directory outside private folders" >&2; rm -rf "$dir"; exit 1; }
  fi
}

# Only these reach the cluster: drop whatever else of libpq's environment
# the caller has, or psql might go elsewhere.
write_env() {
  cat >"$dir/env.sh" <<ENV
unset PGHOSTADDR PGSERVICE PGSERVICEFILE PGDATABASE PGOPTIONS PGSSLMODE PGREQUIRESSL PGCONNECT_TIMEOUT
export PGHOST=$dir
export PGPORT=5432
export PGUSER=postgres
ENV
}

# A query as the server's superuser, on the socket of the server in DIR.
superuser_query() {  # DIR SQL
  as_owner "$bindir/psql" -X -q -tA -v ON_ERROR_STOP=1 -h "$1" -p 5432 -U postgres -d postgres -c "$2"
}

# Runs the query every 0.1 s until it answers "t", for at most 60 s.
wait_for() {  # WHAT DIR SQL
  for _ in $(seq 600); do
    [ "$(superuser_query "$2" "$3" 2>/dev/null)" = t ] && return 0
    sleep 0.1
  done
  echo "No $1 after 60 s" >&2
  return 1
}

own_dir() {  # the directory must be one start or standby made
  [ -e "$dir/$marker" ] || { echo "$dir was not made by $0; not touching it" >&2; exit 1; }
  dir="$(cd "$dir" && pwd)"
}

case "$command" in
  start)
    installer="${3:-$here/install.sh}"
    make_cluster_dir

    echo "Starting a temporary PostgreSQL cluster in $dir"
    as_owner "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust --no-locale -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; rm -rf "$dir"; exit 1; }
    # In the configuration file, not on the command line: a benchmark can
    # then change it with ALTER SYSTEM and a reload (both settings are
    # reloadable), and measure fsync on and off on one cluster.
    if [ "${EVT_CLUSTER_DURABLE:-0}" = 1 ]; then
      printf 'fsync = on\nfull_page_writes = on\nsynchronous_commit = on\n' >>"$dir/data/postgresql.conf"
    else
      printf 'fsync = off\nfull_page_writes = off\n' >>"$dir/data/postgresql.conf"
    fi
    start_server ||
      { cat "$dir/data/server.log" >&2; exit 1; }

    write_env
    # shellcheck source=/dev/null
    . "$dir/env.sh"
    echo "Server running (PGHOST=$PGHOST PGPORT=$PGPORT PGUSER=$PGUSER)"
    "$installer"
    ;;
  stop)
    [ -d "$dir" ] || { echo "No temporary cluster in $dir"; exit 0; }
    dir="$(cd "$dir" && pwd)"
    [ -e "$dir/$marker" ] || { echo "$dir was not made by $0; not touching it" >&2; exit 1; }
    if [ -f "$dir/pgbouncer.pid" ]; then
      echo "Stopping the PgBouncer in front of it"
      pooler_pid="$(cat "$dir/pgbouncer.pid")"
      kill "$pooler_pid" 2>/dev/null || true
      for _ in $(seq 100); do kill -0 "$pooler_pid" 2>/dev/null || break; sleep 0.1; done
    fi
    if [ -f "$dir/data/postmaster.pid" ]; then
      echo "Stopping the temporary PostgreSQL cluster in $dir"
      if ! as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null; then
        # A stale postmaster.pid (server already gone) is fine; a live server is not deleted.
        if as_owner "$bindir/pg_ctl" -D "$dir/data" status >/dev/null; then
          echo "The server in $dir would not stop; leaving it" >&2
          exit 1
        fi
      fi
    fi
    rm -rf "$dir"
    ;;
  pooler)
    [ -e "$dir/$marker" ] || { echo "$dir was not made by $0; not touching it" >&2; exit 1; }
    dir="$(cd "$dir" && pwd)"
    command -v pgbouncer >/dev/null || { echo "pgbouncer not found (Debian package pgbouncer)" >&2; exit 1; }
    # Trust, as the server: only the socket's owner reaches it. The users
    # PgBouncer lets in are the cluster's two.
    printf '"postgres" ""\n"message_store" ""\n' >"$dir/pgbouncer.users"
    cat >"$dir/pgbouncer.ini" <<INI
[databases]
* = host=$dir port=5432

[pgbouncer]
listen_addr =
listen_port = 6432
unix_socket_dir = $dir
auth_type = trust
auth_file = $dir/pgbouncer.users
pool_mode = transaction
default_pool_size = 2
max_client_conn = 500
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
INI
    [ "$(id -u)" != 0 ] || chown postgres "$dir/pgbouncer.users" "$dir/pgbouncer.ini"
    # PgBouncer refuses to run as root.
    as_owner pgbouncer -d -q "$dir/pgbouncer.ini"
    for _ in $(seq 100); do [ -S "$dir/.s.PGSQL.6432" ] && break; sleep 0.1; done
    [ -S "$dir/.s.PGSQL.6432" ] || { cat "$dir/pgbouncer.log" >&2; exit 1; }
    echo "PgBouncer running (PGHOST=$dir PGPORT=6432, pool_mode = transaction, 2 server connections)"
    ;;
  repoint)
    # A failover behind the pooler: its clients keep their connections.
    [ $# -ge 3 ] || usage
    own_dir
    target="$(cd "$3" && pwd)"
    [ -e "$target/$marker" ] || { echo "$target was not made by $0; not touching it" >&2; exit 1; }
    [ -f "$dir/pgbouncer.pid" ] || { echo "No PgBouncer in $dir" >&2; exit 1; }
    sed -i "s|^\* = host=.*|* = host=$target port=5432|" "$dir/pgbouncer.ini"
    kill -HUP "$(cat "$dir/pgbouncer.pid")"
    ;;
  restart)
    [ -e "$dir/$marker" ] || { echo "$dir was not made by $0; not touching it" >&2; exit 1; }
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w restart >/dev/null
    ;;
  crash)
    # As a power cut looks to the database: no checkpoint, no flush of what
    # was not flushed; the start recovers from the WAL.
    [ -e "$dir/$marker" ] || { echo "$dir was not made by $0; not touching it" >&2; exit 1; }
    dir="$(cd "$dir" && pwd)"
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null
    start_server
    ;;
  standby)
    [ $# -ge 3 ] || usage
    primary="$3"
    mode="${4:-async}"
    case "$mode" in sync|async) ;; *) usage ;; esac
    [ -e "$primary/$marker" ] || { echo "$primary was not made by $0; not touching it" >&2; exit 1; }
    primary="$(cd "$primary" && pwd)"
    make_cluster_dir
    echo "Starting a streaming standby ($mode) of $primary in $dir"
    # -R: standby.signal, and primary_conninfo in postgresql.auto.conf; set
    # again after it, with the name the primary knows it by (the last
    # setting in the file wins).
    as_owner "$bindir/pg_basebackup" -D "$dir/data" -h "$primary" -p 5432 -U postgres -X stream -R \
      --checkpoint=fast --no-sync >"$dir/basebackup.log" 2>&1 ||
      { cat "$dir/basebackup.log" >&2; rm -rf "$dir"; exit 1; }
    printf "primary_conninfo = 'host=%s port=5432 user=postgres application_name=evt_standby'\nhot_standby = on\n" \
      "$primary" >>"$dir/data/postgresql.auto.conf"
    rm -f "$dir/data/postmaster.pid" "$dir/data/server.log"
    start_server ||
      { cat "$dir/data/server.log" >&2; exit 1; }
    write_env
    wait_for "streaming standby" "$primary" \
      "SELECT count(*) > 0 FROM pg_stat_replication WHERE application_name = 'evt_standby' AND state = 'streaming'"
    if [ "$mode" = sync ]; then
      superuser_query "$primary" "ALTER SYSTEM SET synchronous_standby_names = 'evt_standby'" >/dev/null
      superuser_query "$primary" "SELECT pg_reload_conf()" >/dev/null
      wait_for "synchronous standby" "$primary" \
        "SELECT count(*) > 0 FROM pg_stat_replication WHERE application_name = 'evt_standby' AND sync_state = 'sync'"
    fi
    echo "Standby running (PGHOST=$dir PGPORT=5432, $mode)"
    ;;
  detach)
    own_dir
    [ -e "$dir/data/standby.signal" ] || { echo "$dir is not a standby" >&2; exit 1; }
    superuser_query "$dir" "ALTER SYSTEM SET primary_conninfo = ''" >/dev/null
    superuser_query "$dir" "SELECT pg_reload_conf()" >/dev/null
    wait_for "stop of the WAL receiver" "$dir" "SELECT count(*) = 0 FROM pg_stat_wal_receiver"
    ;;
  halt)
    own_dir
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null
    ;;
  promote)
    own_dir
    as_owner "$bindir/pg_ctl" -D "$dir/data" -w -t 60 promote >/dev/null
    wait_for "end of recovery" "$dir" "SELECT NOT pg_is_in_recovery()"
    ;;
  *) usage ;;
esac
