#!/usr/bin/env bash
# Runs a command beside a throwaway PostgreSQL + PostGIS cluster:
#   scripts/with-postgis.sh CMD [ARGS...]
# Installs what is missing, starts a private cluster on a free port (trust auth, data in a temp
# dir), exports GRIDD_TEST_PG, runs the command, and always stops the cluster and removes the
# data, returning the command's exit code.
set -uo pipefail

say() { echo "with-postgis: $*" >&2; }
die() { say "$*"; exit 1; }

[ $# -gt 0 ] || die "usage: scripts/with-postgis.sh CMD [ARGS...]"

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else die "need root (or sudo) to run: $*"; fi
}

# Only what is absent is installed, so a prepared machine starts at once.
missing=()
# fonts-noto-cjk: without it Chromium draws the zh-CN interface as empty boxes in screenshots.
# gdal-bin: ogrinfo, the independent decoder the tile tests check our vector tiles with.
# haproxy: the load balancer in front of two servers in the cluster tests (tests/cluster).
# wrk: the load of `make soak` and `make bench`.
# proj-bin: PROJ's cs2cs, which the Gauss–Krüger import is checked against.
for pkg in postgresql-15-postgis-3 chromium fonts-noto-cjk gdal-bin haproxy wrk proj-bin; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  as_root apt-get update -qq || die "apt-get update failed"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 \
    || die "apt-get install ${missing[*]} failed"
fi

bin=/usr/lib/postgresql/15/bin
[ -x "$bin/initdb" ] && [ -x "$bin/pg_ctl" ] || die "PostgreSQL 15 binaries not found in $bin"

# initdb refuses to run as root, so the cluster belongs to the postgres user when we are root.
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || die "the postgres user does not exist (is postgresql-15 installed?)"
  run_pg() { runuser -u postgres -- "$@"; }
else
  run_pg() { "$@"; }
fi

tmp=$(mktemp -d /tmp/gridd-pg.XXXXXX) || die "mktemp failed"
[ "$(id -u)" = 0 ] && chown postgres "$tmp"
started=0
cleanup() {
  if [ "$started" = 1 ]; then
    run_pg "$bin/pg_ctl" -D "$tmp/data" -m fast -w stop >/dev/null 2>&1 || say "pg_ctl stop failed"
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

run_pg "$bin/initdb" -D "$tmp/data" --auth=trust --username=postgres --encoding=UTF8 --locale=C.UTF-8 \
  >"$tmp/initdb.log" 2>&1 \
  || run_pg "$bin/initdb" -D "$tmp/data" --auth=trust --username=postgres --encoding=UTF8 --no-locale \
  >"$tmp/initdb.log" 2>&1 \
  || { cat "$tmp/initdb.log" >&2; die "initdb failed"; }

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
pg_options="-p $port -k $tmp -c listen_addresses=127.0.0.1 -c max_connections=300 -c shared_buffers=256MB -c fsync=on"
if ! run_pg "$bin/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w -t 60 start -o "$pg_options" >/dev/null; then
  tail -n 30 "$tmp/server.log" >&2
  die "the PostgreSQL server did not start"
fi
started=1

psql_admin() { psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres "$@"; }
psql_admin -d postgres -c "CREATE DATABASE gridd" || die "CREATE DATABASE failed"
psql_admin -d gridd -c "CREATE EXTENSION postgis" || die "CREATE EXTENSION postgis failed"
say "PostgreSQL $(psql_admin -d gridd -Atc 'SHOW server_version') with PostGIS $(psql_admin -d gridd -Atc 'SELECT postgis_lib_version()') on 127.0.0.1:$port"

export GRIDD_TEST_PG="postgres://postgres@127.0.0.1:$port/gridd"
# The cluster tests stop and start this server to test outages: how to do that.
export GRIDD_TEST_PG_DATA="$tmp/data" GRIDD_TEST_PG_OPTIONS="$pg_options" GRIDD_TEST_PG_BIN="$bin"
export GRIDD_TEST_PG_LOG="$tmp/server.log"
"$@"
status=$?
if [ "$status" != 0 ] && [ -f "$tmp/server.log" ]; then
  # Tests provoke constraint errors on purpose; the rest (FATAL, PANIC, timeouts) helps a reader.
  say "the server's last complaints (constraint errors left out):"
  grep -E 'FATAL|PANIC|ERROR|WARNING' "$tmp/server.log" | grep -v -E 'violates|duplicate key|current transaction is aborted' | tail -n 25 >&2
fi
say "command exited with $status; stopping the cluster"
exit "$status"
