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
#   temporary-cluster.sh stop DIR                stop that server, delete DIR
#
# As root the server runs as user postgres (PostgreSQL refuses to run as
# root). Only the owner reaches the socket (trust authentication). The data
# is disposable, so durability is traded for speed (fsync=off) unless
# EVT_CLUSTER_DURABLE=1 asks for durable commits (fsync, full page writes,
# as production runs: for benchmarks of work bound by commits). stop and
# restart only act on a directory that start made.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
marker=".evt-temporary-cluster"

usage() { echo "usage: $0 start DIR [INSTALLER] | pooler DIR | restart DIR | crash DIR | stop DIR" >&2; exit 2; }
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

case "$command" in
  start)
    installer="${3:-$here/install.sh}"
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

    # Only these reach the cluster: drop whatever else of libpq's environment
    # the caller has, or psql might go elsewhere.
    cat >"$dir/env.sh" <<ENV
unset PGHOSTADDR PGSERVICE PGSERVICEFILE PGDATABASE PGOPTIONS PGSSLMODE PGREQUIRESSL PGCONNECT_TIMEOUT
export PGHOST=$dir
export PGPORT=5432
export PGUSER=postgres
ENV
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
  *) usage ;;
esac
