#!/usr/bin/env bash
# `make bench`: issue 5's benchmarks, gridd against PostGIS on the same data in the same run.
#
#   scripts/with-postgis.sh tests/bench/run.sh     (what `make bench` runs, after `make build`)
#
# P1  bulk assignment of the 1M generated incidents to all three grid levels: the engine
#     (server/examples/bench_p1.rs) against PostGIS JOIN … ST_Intersects on the same points.
# P2  GET /api/locate over HTTP (wrk) against the same three-level lookup as one prepared
#     PostGIS statement (pgbench -M prepared), at 1 and 4 connections, random points.
# P3  intake: (a) `gridd import-incidents` of the 1M-line NDJSON into the embedded SQLite
#     store and into PostGIS; (b) single POST /api/incidents (wrk, 32 connections) against
#     `gridd serve` on each store.
# P4  density vector tiles at zooms 12-16 (the 3x3 tiles around the city centre at each zoom)
#     over the 1M incidents P3a loaded into PostGIS: the heat index plus the handler's MVT
#     encoding (server/examples/bench_p4/) against ST_AsMVT with the same 32x32 cells; run
#     right after P3a, before P3b adds reports, so both sides hold exactly the 1M incidents.
# P6  the loop (issue 15): (a) every incident worked through the loop (`gridd work-cases`) in
#     both P3a stores, then the KPI table of all level-3 grids from gridd (HTTP, the index in
#     memory) against PostGIS computing the same counts in SQL (tests/bench/kpi.sql), checked
#     grid by grid; (b) durable transitions (register) at 8 connections on each store.
# P5  planning (issue 8): every grid over 300-500 households auto-split on its own, and the
#     whole city rebalanced (server/examples/bench_p5.rs); no PostGIS side (PostGIS has no
#     partitioner to compare with).
# C   the criterion benches in server/benches/ (locate, bulk assign, plan); BENCH_CRITERION=0 skips.
#
# Needs GRIDD_TEST_PG (set by scripts/with-postgis.sh): databases of its own are created in
# that cluster and dropped at the end. Installs wrk with apt-get when it is absent.
# HTTP and pgbench runs alternate gridd and PostGIS in BENCH_ROUNDS rounds (default 3) of
# BENCH_SECONDS each (default 5) and report medians, so a passing burst of other load on the
# machine hits both sides rather than one.
# Knobs: BENCH_SECONDS, BENCH_ROUNDS, BENCH_CRITERION (1/0), BENCH_P4_ROUNDS (default 3),
# BENCH_PARTS (which of P1 P2 P3a P4 P6a P3b P6b P5 C run; P3a loads what P4 and P6 read),
# BENCH_CITY and BENCH_INCIDENTS (the data; make bench-scale's city), BENCH_OUT (target/bench),
# BENCH_SERVE_WAIT_S (how long a server may take to start; 60, make bench-scale 900),
# BENCH_NO_IDLE=1 (hold /dev/cpu_dma_latency at 0 for the run, as latency-tuned servers do:
# idle cores poll instead of halting, so waking a client or server costs microseconds, not
# the ~100 µs a halted virtual CPU takes; this mostly moves the 1-connection figures).
# Everything it writes goes under target/bench/; the summary is also saved there.
set -uo pipefail

cd "$(dirname "$0")/../.." || exit 1
START=$(date +%s.%N)
WORK=${BENCH_OUT:-target/bench}
# How long a server may take to start (it reads every incident and case history).
SERVE_WAIT_S=${BENCH_SERVE_WAIT_S:-60}
GRIDD=./target/release/gridd
P1=./target/release/examples/bench_p1
P4=./target/release/examples/bench_p4
PGBENCH=/usr/lib/postgresql/15/bin/pgbench
SECONDS_PER_RUN=${BENCH_SECONDS:-5}
ROUNDS=${BENCH_ROUNDS:-3}
CRITERION=${BENCH_CRITERION:-1}
CITY=${BENCH_CITY:-data/sample-city}
INCIDENTS=${BENCH_INCIDENTS:-data/incidents/incidents.ndjson}
# Which parts run (make bench-scale runs a few of them on a city ten times the sample).
PARTS=" ${BENCH_PARTS:-P1 P2 P3a P4 P6a P3b P6b P5 C} "
part() { [[ "$PARTS" == *" $1 "* ]]; }
RESULTS=$WORK/results.txt
SUMMARY=$WORK/summary.txt

say() { echo "bench: $*" >&2; }
die() { say "FAILED: $*"; exit 1; }
now() { date +%s.%N; }
# Float arithmetic and formatting through awk (bash has integers only).
calc() { awk "BEGIN { printf \"%s\", $1 }"; }

[ -n "${GRIDD_TEST_PG:-}" ] || die "GRIDD_TEST_PG is not set; run me as scripts/with-postgis.sh tests/bench/run.sh"
[ -x "$GRIDD" ] || die "$GRIDD is missing; run make build first"
[ -x "$PGBENCH" ] || die "$PGBENCH is missing (package postgresql-15)"

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else die "need root (or sudo) to run: $*"; fi
}
if ! command -v wrk >/dev/null; then
  say "installing wrk"
  as_root apt-get update -qq || die "apt-get update failed"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >&2 \
    || die "apt-get install wrk failed"
fi

mkdir -p "$WORK"
rm -f "$WORK"/*.log "$WORK"/*.out
: >"$RESULTS"
record() { echo "$1 $2" >>"$RESULTS"; }
get() { awk -v k="$1" '$1 == k { v = $2 } END { print (v == "" ? "nan" : v) }' "$RESULTS"; }
# The median (or the sum) of every value recorded under a key, one per round.
med() {
  awk -v k="$1" '$1 == k { n++; v[n] = $2 + 0; for (i = n; i > 1 && v[i - 1] > v[i]; i--) { t = v[i]; v[i] = v[i - 1]; v[i - 1] = t } }
    END { if (!n) print "nan"; else if (n % 2) print v[(n + 1) / 2]; else print (v[n / 2] + v[n / 2 + 1]) / 2 }' "$RESULTS"
}
sum() { awk -v k="$1" '$1 == k { s += $2; n++ } END { print (n ? s : "nan") }' "$RESULTS"; }

# --- what runs where --------------------------------------------------------------------
CORES=$(nproc)
CPU=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
say "machine: $CORES cores ($CPU), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), load average $LOAD at start"
# How busy the machine already is (all cores, over one second), and how long a synchronous
# 8 kB write takes on this disk: what every durable-write figure below rests on.
cpu_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $5 + $6 }' /proc/stat; }
read -r b0 i0 <<<"$(cpu_ticks)"; sleep 1; read -r b1 i1 <<<"$(cpu_ticks)"
BUSY=$(awk -v b=$((b1 - b0)) -v i=$((i1 - i0)) 'BEGIN { printf "%.0f", 100 * b / (b + i + 0.001) }')
say "CPU already busy at start: $BUSY% of $CORES cores"
[ "$BUSY" -gt 15 ] && say "warning: other processes are using the CPU; figures will be lower and noisier"
mkdir -p "$WORK"
FSYNC=$(dd if=/dev/zero of="$WORK/fsync.probe" bs=8k count=200 oflag=dsync 2>&1 |
  awk '/copied/ { for (i = 1; i <= NF; i++) if ($i == "s,") print $(i - 1) }')
rm -f "$WORK/fsync.probe"
FSYNC_MS=$(awk -v s="$FSYNC" 'BEGIN { printf "%.3f", s * 1000 / 200 }')
say "synchronous 8 kB write on this disk: $FSYNC_MS ms (dd oflag=dsync, 200 writes)"

# --- servers and databases we start are stopped and dropped on any exit ------------------
PIDS=()
DBS=()
PG_BASE=${GRIDD_TEST_PG%/*}
cleanup() {
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  done
  for db in "${DBS[@]}"; do
    psql -X -q "$PG_BASE/postgres" -c "DROP DATABASE IF EXISTS $db" 2>/dev/null || say "could not drop $db"
  done
  rm -f "$WORK"/*.db "$WORK"/*.db-wal "$WORK"/*.db-shm
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Idle cores poll instead of halting while a process holds the PM QoS request open.
if [ "${BENCH_NO_IDLE:-0}" = 1 ]; then
  if [ -w /dev/cpu_dma_latency ]; then
    python3 -c 'import os, struct, time
fd = os.open("/dev/cpu_dma_latency", os.O_WRONLY); os.write(fd, struct.pack("i", 0)); time.sleep(3600)' &
    PIDS+=("$!")
    IDLE_MODE="idle cores poll (BENCH_NO_IDLE=1: /dev/cpu_dma_latency held at 0)"
  else
    say "warning: BENCH_NO_IDLE=1 but /dev/cpu_dma_latency is not writable; running with the default idle"
    IDLE_MODE="default CPU idle (cores halt when idle)"
  fi
else
  IDLE_MODE="default CPU idle (cores halt when idle; BENCH_NO_IDLE=1 makes them poll)"
fi
say "$IDLE_MODE"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# A GET with bash's /dev/tcp, so nothing beyond bash is needed; prints the body.
http_get() {
  local port=$1 path=$2
  exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
  printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$path" >&3
  sed '1,/^\r$/d' <&3
  exec 3<&-
}

# Makes the store's first admin and an admin token for wrk (as an operator would with the
# CLI); sets SERVER_TOKEN, which wrk gets as GRIDD_TOKEN and the wrk scripts send as
# `Authorization: Bearer`. Every request of P2 and P3b is thus authenticated, as in service.
with_token() {
  local db=$1
  if ! "$GRIDD" user add --db "$db" --login bench.admin --role admin --password-stdin \
      <<<"bench-admin-password" >/dev/null 2>"$WORK/user-add.log"; then
    grep -q "is taken" "$WORK/user-add.log" || { cat "$WORK/user-add.log" >&2; die "gridd user add failed"; }
  fi
  SERVER_TOKEN=$("$GRIDD" token create --db "$db" --name "bench-$(date +%s%N)" --role admin) \
    || die "gridd token create failed"
}

# Starts `gridd serve` on a store; sets SERVER_PID and SERVER_PORT once it answers.
serve() {
  local db=$1 log=$2
  with_token "$db"
  SERVER_PORT=$(free_port)
  GRIDD_LOG=warn "$GRIDD" serve --db "$db" --port "$SERVER_PORT" --web-dir "$WORK/no-web" >"$log" 2>&1 &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  for _ in $(seq 1 $((SERVE_WAIT_S * 10))); do
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$log" >&2; die "gridd serve --db $db exited"; }
    http_get "$SERVER_PORT" /api/health 2>/dev/null | grep -q '"status":"ok"' && return 0
    sleep 0.1
  done
  die "gridd serve --db $db did not answer within $SERVE_WAIT_S s"
}

stop_server() {
  local victim=$1
  kill "$victim" 2>/dev/null && wait "$victim" 2>/dev/null
  local keep=()
  for pid in "${PIDS[@]}"; do [ "$pid" = "$victim" ] || keep+=("$pid"); done
  PIDS=("${keep[@]}")
}

incident_count() { http_get "$1" /api/health | sed -n 's/.*"incidents":\([0-9]*\).*/\1/p'; }

# CPU seconds (user + system) a process has used so far.
proc_cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.3f", ($14 + $15) / hz }' "/proc/$1/stat"; }

# Runs wrk against the server with process id PID; records (once more per round) NAME_rps,
# NAME_p50_us, NAME_p99_us, NAME_requests, NAME_errors, and the CPU time per request of
# the server and of wrk.
run_wrk() {
  local name=$1 pid=$2; shift 2
  local s0 s1 c0 c1 log="$WORK/$name.log"
  s0=$(proc_cpu "$pid"); c0=$(awk '{ print $14 + $15 + $16 + $17 }' /proc/$$/stat)
  wrk --latency --timeout 10s "$@" >>"$log" 2>&1 || die "wrk $name failed (see $log)"
  s1=$(proc_cpu "$pid"); c1=$(awk '{ print $14 + $15 + $16 + $17 }' /proc/$$/stat)
  local line
  line=$(sed -n 's/^WRK //p' "$log" | tail -n 1)
  [ -n "$line" ] || die "wrk $name printed no summary (see $log)"
  local kv k v errors=0
  for kv in $line; do
    k=${kv%%=*}; v=${kv#*=}
    case $k in
      rps|p50_us|p90_us|p99_us|requests) record "${name}_$k" "$v" ;;
      non2xx|connect|read|write|timeout) errors=$((errors + v)) ;;
    esac
  done
  record "${name}_errors" "$errors"
  local requests
  requests=$(get "${name}_requests")
  record "${name}_server_cpu_us" "$(calc "($s1 - $s0) * 1e6 / $requests")"
  record "${name}_client_cpu_us" "$(calc "($c1 - $c0) / $(getconf CLK_TCK) * 1e6 / $requests")"
  say "$name: $(grep -E 'Requests/sec' "$log" | tail -n 1 | tr -s ' '), p50 $(get "${name}_p50_us") µs, p99 $(get "${name}_p99_us") µs, errors $errors; CPU per request: server $(get "${name}_server_cpu_us") µs, wrk $(get "${name}_client_cpu_us") µs"
  # A rate of refused requests is not a figure: any failure stops the run.
  [ "$errors" = 0 ] || die "$name: $errors of $requests requests failed (see $log); no figure recorded"
}

# Runs pgbench; records (once more per round) NAME_tps, NAME_latency_ms, NAME_failed.
run_pgbench() {
  local name=$1; shift
  local log="$WORK/$name.log" out
  out=$("$PGBENCH" -n -M prepared "$@" 2>&1) || { echo "$out" >>"$log"; die "pgbench $name failed (see $log)"; }
  echo "$out" >>"$log"
  record "${name}_tps" "$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' <<<"$out")"
  record "${name}_latency_ms" "$(sed -n 's/^latency average = \([0-9.]*\) ms/\1/p' <<<"$out")"
  record "${name}_failed" "$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' <<<"$out")"
  say "$name: tps $(get "${name}_tps"), latency average $(get "${name}_latency_ms") ms"
}

# --- data --------------------------------------------------------------------------------
say "building the P1 example (cargo build --release --example bench_p1)"
cargo build --release --example bench_p1 >&2 || die "building bench_p1 failed"
say "building the P4 example (cargo build --release --example bench_p4)"
cargo build --release --example bench_p4 >&2 || die "building bench_p4 failed"
if [ ! -f "$CITY/grids.geojson" ]; then
  say "generating the sample city into $CITY"
  "$GRIDD" generate --seed 42 --out "$CITY" >&2 || die "gridd generate failed"
fi
if [ ! -f "$INCIDENTS" ]; then
  say "generating 1M incidents into data/incidents"
  "$GRIDD" generate-incidents --seed 7 --count 1000000 --out data/incidents >&2 || die "gridd generate-incidents failed"
fi
LINES=$(wc -l <"$INCIDENTS")
say "$INCIDENTS: $LINES lines"

rm -f "$WORK"/*.db "$WORK"/*.db-wal "$WORK"/*.db-shm
CITY_SQLITE="sqlite:$WORK/city.db"
INTAKE_SQLITE="sqlite:$WORK/intake.db"
CITY_PG_DB="bench_city_$$"
INTAKE_PG_DB="bench_intake_$$"
for db in "$CITY_PG_DB" "$INTAKE_PG_DB"; do
  psql -X -q -v ON_ERROR_STOP=1 "$PG_BASE/postgres" -c "CREATE DATABASE $db" || die "CREATE DATABASE $db failed"
  DBS+=("$db")
  psql -X -q -v ON_ERROR_STOP=1 "$PG_BASE/$db" -c "CREATE EXTENSION postgis" || die "CREATE EXTENSION in $db failed"
done
CITY_PG="$PG_BASE/$CITY_PG_DB"
INTAKE_PG="$PG_BASE/$INTAKE_PG_DB"
PG_SETTINGS=$(psql -X -At "$CITY_PG" -c "SELECT 'PostgreSQL ' || current_setting('server_version') || ', PostGIS ' || postgis_lib_version() || ', shared_buffers ' || current_setting('shared_buffers') || ', fsync ' || current_setting('fsync') || ', synchronous_commit ' || current_setting('synchronous_commit') || ', max_parallel_workers_per_gather ' || current_setting('max_parallel_workers_per_gather')")
say "PostGIS side: $PG_SETTINGS"
for db in "$CITY_SQLITE" "$INTAKE_SQLITE" "$CITY_PG" "$INTAKE_PG"; do
  "$GRIDD" import --db "$db" "$CITY" >"$WORK/import-city.log" 2>&1 || { cat "$WORK/import-city.log" >&2; die "importing the city into $db failed"; }
done
say "sample city imported into two SQLite files and two PostGIS databases"

# --- P1 ----------------------------------------------------------------------------------
if part P1; then
say "P1: bulk assignment, engine (2 threads) vs PostGIS spatial join, 1 process each on this machine"
"$P1" "$CITY_PG" "$INCIDENTS" >"$WORK/p1.out" 2> >(tee "$WORK/p1.log" >&2) || die "P1 failed (see $WORK/p1.log)"
sed -n 's/^BENCH //p' "$WORK/p1.out" >>"$RESULTS"
fi

# --- P2 ----------------------------------------------------------------------------------
if part P2; then
say "P2: /api/locate (gridd serve on SQLite) vs a prepared PostGIS statement, $ROUNDS alternating rounds of ${SECONDS_PER_RUN} s; client and server share the $CORES cores"
serve "$CITY_SQLITE" "$WORK/serve-locate.log"
LOCATE_PID=$SERVER_PID
export GRIDD_TOKEN=$SERVER_TOKEN
URL="http://127.0.0.1:$SERVER_PORT"
wrk -t1 -c1 -d2s -s tests/bench/locate.lua "$URL" >/dev/null 2>&1 # warm-up
"$PGBENCH" -n -M prepared -c1 -j1 -T2 -f tests/bench/locate.sql "$CITY_PG" >/dev/null 2>&1 # warm-up
for c in 1 4; do
  threads=$((c < 2 ? c : 2))
  for round in $(seq 1 "$ROUNDS"); do
    run_wrk "p2_gridd_c$c" "$LOCATE_PID" -t"$threads" -c"$c" -d"${SECONDS_PER_RUN}s" -s tests/bench/locate.lua "$URL"
    run_pgbench "p2_pg_c$c" -c"$c" -j"$threads" -T"$SECONDS_PER_RUN" -f tests/bench/locate.sql "$CITY_PG"
  done
done
stop_server "$LOCATE_PID"
fi

# --- P3a ---------------------------------------------------------------------------------
import_incidents() {
  local name=$1 db=$2 t0 t1 n
  say "P3a: gridd import-incidents into $name"
  t0=$(now)
  "$GRIDD" import-incidents --db "$db" "$INCIDENTS" >"$WORK/$name.out" 2>"$WORK/$name.log" \
    || { tail -n 20 "$WORK/$name.log" >&2; die "import-incidents into $name failed"; }
  t1=$(now)
  n=$(sed -n 's/^imported \([0-9]*\) incidents.*/\1/p' "$WORK/$name.out")
  record "${name}_n" "$n"
  record "${name}_s" "$(calc "$t1 - $t0")"
  record "${name}_rate" "$(calc "$n / ($t1 - $t0)")"
  say "$name: $(cat "$WORK/$name.out")"
}
import_incidents p3a_sqlite "$INTAKE_SQLITE"
import_incidents p3a_pg "$INTAKE_PG"

# --- P4 ----------------------------------------------------------------------------------
if part P4; then
# Here, not after P3b, because P3b adds reports to the same database: now it holds exactly
# the 1M incidents P3a imported, and bench_p4 builds its index from that store too.
P4_LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
say "P4: density tiles z12-16, heat index + MVT encoding vs PostGIS ST_AsMVT on the P3a database (load average $P4_LOAD)"
"$P4" "$INTAKE_PG" >"$WORK/p4.out" 2> >(tee "$WORK/p4.log" >&2) || die "P4 failed (see $WORK/p4.log)"
sed -n 's/^BENCH //p' "$WORK/p4.out" >>"$RESULTS"
fi

# --- P6a ---------------------------------------------------------------------------------
# The loop's KPIs over a year of worked cases: both P3a databases get the same generated
# histories (same seed, same --now, same ids), then gridd's KPI table (the index in memory,
# over HTTP) against PostGIS computing the same counts in SQL, checked grid by grid.
CASES_NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ)
work_cases() {
  local name=$1 db=$2 t0 t1
  say "P6a: gridd work-cases into $name (histories up to $CASES_NOW)"
  t0=$(now)
  "$GRIDD" work-cases --db "$db" --now "$CASES_NOW" >"$WORK/$name.out" 2>"$WORK/$name.log" \
    || { tail -n 20 "$WORK/$name.log" >&2; die "work-cases into $name failed"; }
  t1=$(now)
  record "${name}_s" "$(calc "$t1 - $t0")"
  record "${name}_events" "$(sed -n 's/.*: \([0-9]*\) transitions.*/\1/p' "$WORK/$name.out")"
  say "$name: $(cat "$WORK/$name.out")"
}
# Resident memory of a process, in MiB.
rss_mib() { awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }
if part P6a; then
work_cases p6_work_sqlite "$INTAKE_SQLITE"
work_cases p6_work_pg "$INTAKE_PG"
t0=$(now)
serve "$INTAKE_SQLITE" "$WORK/serve-p6_sqlite.log"
record p6_start_s "$(calc "$(now) - $t0")"
record p6_rss_sqlite_mib "$(rss_mib "$SERVER_PID")"
KPI_PID=$SERVER_PID
python3 tests/bench/kpi_compare.py "http://127.0.0.1:$SERVER_PORT" "$SERVER_TOKEN" "$INTAKE_PG" \
  >"$WORK/p6.out" 2> >(tee "$WORK/p6.log" >&2) || die "the KPI comparison failed (see $WORK/p6.log)"
sed -n 's/^BENCH //p' "$WORK/p6.out" >>"$RESULTS"
say "P6a: $(get p6_grids_gridd) grids from gridd, $(get p6_grids_pg) from PostGIS, $(get p6_mismatch_grids) differ"
GRIDD_TOKEN=$SERVER_TOKEN wrk -t1 -c1 -d2s -s tests/bench/kpi.lua "http://127.0.0.1:$SERVER_PORT" >/dev/null 2>&1 # warm-up
for round in $(seq 1 "$ROUNDS"); do
  GRIDD_TOKEN=$SERVER_TOKEN run_wrk p6_kpi "$KPI_PID" -t1 -c1 -d"${SECONDS_PER_RUN}s" -s tests/bench/kpi.lua "http://127.0.0.1:$SERVER_PORT"
  run_pgbench p6_pg_kpi -c1 -j1 -t3 -f tests/bench/kpi.sql "$INTAKE_PG"
done
stop_server "$KPI_PID"
# The PostGIS store's start, and what each server holds in memory once started.
t0=$(now)
serve "$INTAKE_PG" "$WORK/serve-p6_pg.log"
record p6_start_pg_s "$(calc "$(now) - $t0")"
record p6_rss_pg_mib "$(rss_mib "$SERVER_PID")"
stop_server "$SERVER_PID"
fi

# --- P3b ---------------------------------------------------------------------------------
if part P3b; then
say "P3b: POST /api/incidents with wrk at 32 connections, $ROUNDS alternating rounds of ${SECONDS_PER_RUN} s per store; client and server share the $CORES cores"
serve "$INTAKE_SQLITE" "$WORK/serve-p3b_sqlite.log"
SQLITE_PID=$SERVER_PID; SQLITE_PORT=$SERVER_PORT; SQLITE_TOKEN=$SERVER_TOKEN
serve "$INTAKE_PG" "$WORK/serve-p3b_pg.log"
PG_PID=$SERVER_PID; PG_PORT=$SERVER_PORT; PG_TOKEN=$SERVER_TOKEN
GRIDD_TOKEN=$SQLITE_TOKEN wrk -t2 -c32 -d2s -s tests/bench/report.lua "http://127.0.0.1:$SQLITE_PORT" >/dev/null 2>&1 # warm-up
GRIDD_TOKEN=$PG_TOKEN wrk -t2 -c32 -d2s -s tests/bench/report.lua "http://127.0.0.1:$PG_PORT" >/dev/null 2>&1 # warm-up
sqlite_before=$(incident_count "$SQLITE_PORT"); pg_before=$(incident_count "$PG_PORT")
for round in $(seq 1 "$ROUNDS"); do
  GRIDD_TOKEN=$SQLITE_TOKEN run_wrk p3b_sqlite "$SQLITE_PID" -t2 -c32 -d"${SECONDS_PER_RUN}s" -s tests/bench/report.lua "http://127.0.0.1:$SQLITE_PORT"
  GRIDD_TOKEN=$PG_TOKEN run_wrk p3b_pg "$PG_PID" -t2 -c32 -d"${SECONDS_PER_RUN}s" -s tests/bench/report.lua "http://127.0.0.1:$PG_PORT"
done
record p3b_sqlite_stored "$(($(incident_count "$SQLITE_PORT") - sqlite_before))"
record p3b_pg_stored "$(($(incident_count "$PG_PORT") - pg_before))"
say "rows stored during the runs: SQLite $(get p3b_sqlite_stored) for $(sum p3b_sqlite_requests) answered requests, PostGIS $(get p3b_pg_stored) for $(sum p3b_pg_requests)"
fi
# --- P6b ---------------------------------------------------------------------------------
# Durable transitions: the cases P3b reported (ids after the 1M P3a imported, all still
# `reported`) registered one per request by 8 connections, a disjoint window of ids a round.
if part P6b; then
say "P6b: POST /api/incidents/{id}/transitions (register) with wrk at 8 connections, $ROUNDS alternating rounds of ${SECONDS_PER_RUN} s per store"
sqlite_new=$(($(incident_count "$SQLITE_PORT") - LINES)); pg_new=$(($(incident_count "$PG_PORT") - LINES))
for round in $(seq 0 $((ROUNDS - 1))); do
  w=$((sqlite_new / ROUNDS))
  GRIDD_TOKEN=$SQLITE_TOKEN CASE_FIRST=$((LINES + 1 + round * w)) CASE_COUNT=$w WRK_THREADS=2 \
    run_wrk p6b_sqlite "$SQLITE_PID" -t2 -c8 -d"${SECONDS_PER_RUN}s" -s tests/bench/transition.lua "http://127.0.0.1:$SQLITE_PORT"
  w=$((pg_new / ROUNDS))
  GRIDD_TOKEN=$PG_TOKEN CASE_FIRST=$((LINES + 1 + round * w)) CASE_COUNT=$w WRK_THREADS=2 \
    run_wrk p6b_pg "$PG_PID" -t2 -c8 -d"${SECONDS_PER_RUN}s" -s tests/bench/transition.lua "http://127.0.0.1:$PG_PORT"
done
stop_server "$SQLITE_PID"
stop_server "$PG_PID"
fi

# --- P5 ----------------------------------------------------------------------------------
if part P5; then
say "P5: cargo build --release --example bench_p5, then every oversized grid split and the city rebalanced"
cargo build --release --example bench_p5 >&2 || die "building bench_p5 failed"
./target/release/examples/bench_p5 >"$WORK/p5.txt" || die "bench_p5 failed"
cat "$WORK/p5.txt" >&2
fi

# --- criterion ---------------------------------------------------------------------------
if [ "$CRITERION" = 1 ] && part C; then
  say "criterion: cargo bench -p gridd --bench locate --bench assign --bench plan --bench validate"
  # A fresh criterion home: no comparison with an earlier run, nothing left in target/criterion.
  rm -rf "$WORK/criterion"
  CRITERION_HOME="$PWD/$WORK/criterion" cargo bench -p gridd --bench locate --bench assign --bench plan --bench validate \
    >"$WORK/criterion.log" 2>"$WORK/criterion.err" \
    || { tail -n 30 "$WORK/criterion.err" >&2; die "cargo bench failed (see $WORK/criterion.err)"; }
  cat "$WORK/criterion.log" >&2
fi

# --- summary -----------------------------------------------------------------------------
# Padded columns hold ASCII only: printf pads by bytes, not characters.
END=$(now)
fmt_int() {
  awk -v x="$1" 'BEGIN {
    if (x == "nan" || x == "") { print "n/a"; exit }
    s = sprintf("%.0f", x); n = length(s); out = ""
    for (i = 1; i <= n; i++) { out = out substr(s, i, 1); if ((n - i) % 3 == 0 && i < n) out = out "," }
    print out }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "nan" || b == "nan" || b + 0 == 0) print "n/a"; else printf "%.1fx", a / b }'; }
ms() { awk -v x="$1" 'BEGIN { if (x == "nan") print "n/a"; else printf "%.3f ms", x / 1000 }'; }
sec() { awk -v x="$1" 'BEGIN { if (x == "nan") print "n/a"; else printf "%.3f s", x }'; }
# A figure not measured (a part left out by BENCH_PARTS) has no verdict.
verdict() {
  [[ "$1" == *nan* ]] && { echo "n/a"; return; }
  awk "BEGIN { print (($1) ? \"met\" : \"MISSED\") }" 2>/dev/null || echo "n/a"
}
# Reads criterion's report: "name  time: [lo median hi]" (the name may stand on the line
# above) and "thrpt: [lo median hi]"; prints each with its ratio to its group's rtree_geo.
criterion_table() {
  awk '
    function ns(v, u) { return v * (u == "ps" ? 1e-3 : u == "ns" ? 1 : u == "ms" ? 1e6 : u == "s" ? 1e9 : 1e3) }
    /^[^ ]/ && !/^(Found|Benchmarking|Gnuplot|Warning)/ { name = $1 }
    /time:/ && !/%/ {
      match($0, /\[[^]]*\]/); split(substr($0, RSTART + 1, RLENGTH - 2), v, " ")
      n++; names[n] = name; t[n] = ns(v[3], v[4]); shown[n] = v[3] " " v[4]; thr[n] = ""
      g = name; sub(/\/.*/, "", g); group[n] = g
      if (name ~ /\/rtree_geo/) base[g] = t[n]
    }
    /thrpt:/ && !/%/ { match($0, /\[[^]]*\]/); split(substr($0, RSTART + 1, RLENGTH - 2), v, " "); thr[n] = v[3] " " v[4] }
    END {
      for (i = 1; i <= n; i++) {
        r = (group[i] in base && names[i] !~ /rtree_geo/) ? sprintf("%.1fx", base[group[i]] / t[i]) : "baseline"
        printf "  %-46s %13s %17s %9s\n", names[i], shown[i], thr[i], r
      }
    }'
}

cpu_pair() { awk -v a="$(med "$1_server_cpu_us")" -v b="$(med "$1_client_cpu_us")" 'BEGIN { printf "%.0f + %.0f us", a, b }'; }
row() { printf '%-46s %16s %16s %8s  %-14s %s\n' "$@"; }
{
  echo
  echo "=================================== gridd bench summary ==================================="
  echo "machine: $CORES cores ($CPU); load average at start $LOAD"
  echo "PostGIS: $PG_SETTINGS; same machine"
  echo "data: $CITY ($(tr -d '\n' <"$CITY/grids.geojson" | grep -o '"code":"[0-9]*"' | awk -F'"' '{ n[length($4)]++ } END { printf "%d/%d/%d grids", n[9], n[12], n[15] }')); $(fmt_int "$LINES") incidents from $INCIDENTS"
  echo "where: every client (bench_p1, wrk, pgbench) ran on the same $CORES cores as the server it measured;"
  echo "  CPU already busy at start $BUSY%; $IDLE_MODE;"
  echo "  a synchronous 8 kB write takes $FSYNC_MS ms on this disk"
  echo
  echo "P2 and P3b: medians of $ROUNDS rounds of $SECONDS_PER_RUN s, gridd and PostGIS alternating"
  echo
  row "benchmark" "gridd" "PostGIS" "ratio" "goal" "verdict"
  e=$(get p1_engine_pps); p=$(get p1_pg_pps)
  row "P1 assign $(fmt_int "$(get p1_points)") points, 3 levels (pts/s)" "$(fmt_int "$e")" "$(fmt_int "$p")" \
    "$(ratio "$e" "$p")" ">=10x, >=5M/s" "$(verdict "$e / $p >= 10 && $e >= 5e6")"
  row "   timed: engine (median of 5) | PostGIS" "$(sec "$(get p1_engine_s)")" "$(sec "$(get p1_pg_s)")"
  row "   not timed: engine build | load + GiST" "$(sec "$(get p1_engine_build_s)")" \
    "$(sec "$(calc "$(get p1_pg_load_s) + $(get p1_pg_index_s)")")"
  row "   point-levels where the two differ" "$(fmt_int "$(get p1_mismatches)")"
  for c in 1 4; do
    e=$(med p2_gridd_c${c}_rps); p=$(med p2_pg_c${c}_tps)
    row "P2 locate, $c connection(s) (requests/s)" "$(fmt_int "$e")" "$(fmt_int "$p")" "$(ratio "$e" "$p")" ">=2x" \
      "$(verdict "$e / $p >= 2")"
    row "   latency: gridd p50/p99 | PostGIS mean" \
      "$(awk -v a="$(med p2_gridd_c${c}_p50_us)" -v b="$(med p2_gridd_c${c}_p99_us)" 'BEGIN { printf "%.3f/%.2f ms", a / 1000, b / 1000 }')" \
      "$(awk -v x="$(med p2_pg_c${c}_latency_ms)" 'BEGIN { printf "%.3f ms", x }')" "" "p50 <=0.3 ms" \
      "$(verdict "$(med p2_gridd_c${c}_p50_us) <= 300")"
    row "   CPU per request: gridd serve + wrk" "$(cpu_pair p2_gridd_c$c)"
  done
  echo
  row "intake" "embedded SQLite" "PostGIS store" "ratio" "goal" "verdict"
  e=$(get p3a_sqlite_rate); p=$(get p3a_pg_rate)
  row "P3a import-incidents, durable (incidents/s)" "$(fmt_int "$e")" "$(fmt_int "$p")" "$(ratio "$e" "$p")" \
    ">=100k/s" "$(verdict "$e >= 100000") / $(verdict "$p >= 100000")"
  row "   wall time of the command" "$(sec "$(get p3a_sqlite_s)")" "$(sec "$(get p3a_pg_s)")"
  e=$(med p3b_sqlite_rps); p=$(med p3b_pg_rps)
  row "P3b POST /api/incidents, 32 conn (req/s)" "$(fmt_int "$e")" "$(fmt_int "$p")" "$(ratio "$e" "$p")" \
    ">=5k/s" "$(verdict "$e >= 5000") / $(verdict "$p >= 5000")"
  row "   p50" "$(ms "$(med p3b_sqlite_p50_us)")" "$(ms "$(med p3b_pg_p50_us)")"
  row "   p99" "$(ms "$(med p3b_sqlite_p99_us)")" "$(ms "$(med p3b_pg_p99_us)")"
  row "   CPU per request: gridd serve + wrk" "$(cpu_pair p3b_sqlite)" "$(cpu_pair p3b_pg)"
  row "   answered / rows stored / failed" "$(sum p3b_sqlite_requests)/$(get p3b_sqlite_stored)/$(sum p3b_sqlite_errors)" \
    "$(sum p3b_pg_requests)/$(get p3b_pg_stored)/$(sum p3b_pg_errors)"
  echo
  row "density tiles (3x3 a zoom, 32x32 cells)" "gridd" "PostGIS" "ratio" "goal" "verdict"
  e=$(get p4_warm_p50_us); p=$(get p4_pg_p50_us)
  row "P4 density MVT z12-16, $(get p4_tiles) tiles (warm p50)" "$(ms "$e")" "$(ms "$p")" "$(ratio "$p" "$e")" \
    ">=50x, <=1 ms" "$(verdict "$p / $e >= 50 && $e <= 1000")"
  for z in 12 13 14 15 16; do
    e=$(get p4_z${z}_warm_p50_us); p=$(get p4_z${z}_pg_p50_us)
    row "   z$z: $(fmt_int "$(get p4_z${z}_incidents)") points, $(fmt_int "$(get p4_z${z}_cells)") cells" \
      "$(ms "$e")" "$(ms "$p")" "$(ratio "$p" "$e")" ">=50x, <=1 ms" "$(verdict "$p / $e >= 50 && $e <= 1000")"
  done
  row "   gridd cold (first make after a build) p50" "$(ms "$(get p4_cold_p50_us)")" "" "" "<=10 ms" \
    "$(verdict "$(get p4_cold_p50_us) <= 10000")"
  row "   gridd cold, slowest tile" "$(ms "$(get p4_cold_max_us)")" "" "" "<=10 ms" \
    "$(verdict "$(get p4_cold_max_us) <= 10000")"
  row "   slowest tile warm (gridd p50)" "$(ms "$(get p4_warm_worst_us)")"
  e=$(get p4_set_ours_us); p=$(get p4_set_pg_us)
  row "   whole set once (sum of per-tile medians)" "$(ms "$e")" "$(ms "$p")" "$(ratio "$p" "$e")"
  row "   PostGIS first pass p50 (query: $(get p4_pg_query))" "" "$(ms "$(get p4_pg_first_p50_us)")"
  row "   cells where the two differ" "$(fmt_int "$(get p4_mismatch_cells)")"
  row "   load average (1 min) at P4 start / end" "$(get p4_load_start) / $(get p4_load_end)"
  echo
  row "the loop (a year of worked cases)" "gridd" "PostGIS" "ratio" "goal" "verdict"
  e=$(med p6_kpi_p50_us); p=$(med p6_pg_kpi_latency_ms)
  row "P6a KPI table, $(get p6_grids_gridd) level-3 grids (p50 | SQL mean)" "$(ms "$e")" \
    "$(awk -v x="$p" 'BEGIN { printf "%.1f ms", x }')" "$(ratio "$(calc "$p * 1000")" "$e")" "<=200 ms" "$(verdict "$e <= 200000")"
  row "   cases counted (of the level-3 grids)" "$(fmt_int "$(get p6_total_reported_gridd)")" "$(fmt_int "$(get p6_total_reported_pg)")"
  row "   transitions worked into the store" "$(fmt_int "$(get p6_work_sqlite_events)")" "$(fmt_int "$(get p6_work_pg_events)")"
  row "   work-cases (SQLite | PostGIS store)" "$(sec "$(get p6_work_sqlite_s)")" "$(sec "$(get p6_work_pg_s)")"
  row "   grids whose counts differ (of $(get p6_grids_pg))" "$(fmt_int "$(get p6_mismatch_grids)")"
  row "   gridd serve start with the KPI index" "$(sec "$(get p6_start_s)")"
  e=$(med p6b_sqlite_rps); p=$(med p6b_pg_rps)
  row "P6b transitions, 8 conn (req/s; SQLite | PostGIS store)" "$(fmt_int "$e")" "$(fmt_int "$p")" "$(ratio "$e" "$p")" \
    ">=1k/s SQLite" "$(verdict "$e >= 1000")"
  row "   p50 | p99 (SQLite)" "$(ms "$(med p6b_sqlite_p50_us)")" "$(ms "$(med p6b_sqlite_p99_us)")"
  echo
  row "   gridd serve start (SQLite | PostGIS store)" "$(sec "$(get p6_start_s)")" "$(sec "$(get p6_start_pg_s)")"
  row "   resident memory once started (MiB)" "$(get p6_rss_sqlite_mib)" "$(get p6_rss_pg_mib)"
  if part P5; then
    echo "planning (sample city, band 300-500 households):"
    cat "$WORK/p5.txt"
  fi
  if [ "$CRITERION" = 1 ] && part C; then
    echo
    echo "criterion (server/benches; sample city; random points; median; ratio = rtree_geo / this):"
    criterion_table <"$WORK/criterion.log"
  fi
  echo
  echo "notes: P1 PostGIS is the faster of the three level joins one after another on one session and"
  echo "  concurrently on three sessions, with a GiST index on the points (load and index not timed)."
  echo "  P2 gridd also answers compound and building; the PostGIS statement answers the grids only."
  echo "  P3a counts reading, checking, converting and assigning every line and the commit (the whole command)."
  echo "  P4 gridd is the density handler's work in process (bin, MVT encoding, ETag; no HTTP); PostGIS is"
  echo "  one prepared ST_AsMVT statement a tile, timed at the client, the faster of two formulations"
  echo "  (snap: ST_SnapToGrid to cell centres; cells: integer column/row). Warm: medians of"
  echo "  $(get p4_rounds) rounds of $(get p4_our_passes) gridd passes then one pass of each PostGIS query; cold: each tile's median of $(get p4_cold_builds) fresh builds."
  echo "total bench time: $(awk -v a="$START" -v b="$END" 'BEGIN { s = b - a; printf "%d min %02d s", s / 60, s % 60 }')"
  echo "logs and raw figures: $WORK/ (results.txt, *.log)"
} | tee "$SUMMARY"
