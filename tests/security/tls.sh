#!/usr/bin/env bash
# TLS through standard libpq conninfo: a throwaway cluster that accepts TCP
# connections only over TLS (hostssl, SCRAM password; plain TCP rejected),
# with a self-signed certificate. account-client writes and reads with
# sslmode=verify-full, and the same without TLS is refused.
#
#   tls.sh CLIENT_DIR   (the folder of account-client)
set -euo pipefail
client="$1/account-client"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cluster_script="$here/../../message_db/temporary-cluster.sh"
dir="$(mktemp -d /tmp/evt-tls.XXXXXX)"
rmdir "$dir"
trap '"$cluster_script" stop "$dir" >/dev/null' EXIT
fail() { echo "FAILED: $*" >&2; exit 1; }

"$cluster_script" start "$dir" >/dev/null
bindir="$(pg_config --bindir 2>/dev/null || true)"
[ -x "$bindir/pg_ctl" ] || bindir="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=localhost" \
  -addext "subjectAltName=DNS:localhost" -keyout "$dir/server.key" -out "$dir/server.crt" 2>/dev/null
chmod 600 "$dir/server.key"
[ "$(id -u)" = 0 ] && chown postgres "$dir/server.key" "$dir/server.crt"
password="tls-$RANDOM$RANDOM"
PGHOST="$dir" PGPORT=5432 PGUSER=postgres psql -X -q -v ON_ERROR_STOP=1 -d message_store \
  -c "ALTER ROLE message_store PASSWORD '$password'" >/dev/null
# The owner's socket as before; over TCP only TLS, and with a password.
cat >"$dir/data/pg_hba.conf" <<HBA
local     all           all                        trust
hostssl   message_store message_store 127.0.0.1/32 scram-sha-256
hostnossl all           all           127.0.0.1/32 reject
HBA
as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
# On a random TCP port; another one if it is taken.
started=""
for _ in 1 2 3 4 5; do
  port=$((20000 + RANDOM % 20000))
  if as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/data/server.log" -w -t 60 \
    -o "-c port=$port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$dir -c unix_socket_permissions=0700 -c fsync=off -c ssl=on -c ssl_cert_file=$dir/server.crt -c ssl_key_file=$dir/server.key" \
    start >/dev/null; then
    started=yes
    break
  fi
done
[ -n "$started" ] || { cat "$dir/data/server.log" >&2; exit 1; }

tcp="host=localhost hostaddr=127.0.0.1 port=$port dbname=message_store user=message_store password=$password"
tls="$tcp sslmode=verify-full sslrootcert=$dir/server.crt"
account="tls-$RANDOM"

"$client" --database "$tls" open "$account" >"$dir/out" 2>&1 || fail "open over TLS: $(cat "$dir/out")"
"$client" --database "$tls" show "$account" >"$dir/out" 2>&1 || fail "show over TLS: $(cat "$dir/out")"
in_store="$(PGHOST="$dir" PGPORT=$port PGUSER=postgres psql -X -tA -d message_store \
  -c "SELECT count(*) FROM message_store.messages WHERE stream_name = 'account:command-$account'")"
[ "$in_store" = 1 ] || fail "the Open written over TLS is not in the store ($in_store)"
ssl_used="$(psql -X -tA -d "$tls" -c "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")"
[ "$ssl_used" = t ] || fail "the same conninfo does not give a TLS connection ($ssl_used)"

status=0
"$client" --database "$tcp sslmode=disable" show "$account" >"$dir/out" 2>&1 || status=$?
[ "$status" = 1 ] || fail "without TLS: exit $status, not refused: $(cat "$dir/out")"
grep -q "no encryption" "$dir/out" || fail "without TLS, not the server's refusal: $(cat "$dir/out")"
! grep -q "$password" "$dir/out" || fail "the password is in the error: $(cat "$dir/out")"
status=0
"$client" --database "$tcp sslmode=verify-full" show "$account" >"$dir/out" 2>&1 || status=$?
[ "$status" = 1 ] || fail "verify-full without the root certificate: exit $status"
echo "account-client wrote and read over TLS (sslmode=verify-full, SCRAM); plain TCP refused; an unverified certificate refused"
