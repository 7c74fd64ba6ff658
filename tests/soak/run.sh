#!/usr/bin/env bash
# `make soak`: two `gridd serve` on one PostGIS database behind haproxy (round robin), under
# a mixed load from wrk for SOAK_SECONDS (default 600): 70% locate, 20% density tiles, 9%
# incident posts, 1% case transitions. Passes when there are 0 errors, the p99 latency is
# under SOAK_P99_MS (default 100 ms) and neither server holds memory it should not: the load
# posts incidents (9%), which the servers keep in memory, so resident memory grows with the
# data; what must stay flat is the memory beyond what the data needs. A third server is started
# on the same database after the run; each soaked server's resident memory must be within 10%
# of that fresh server's, which holds the same incidents and has never served a request. The
# growth from the minute after warm-up (the first fifth) to the last minute is printed too.
# Runs inside
# scripts/with-postgis.sh (GRIDD_TEST_PG); the summary is in target/soak/summary.txt.
set -uo pipefail
cd "$(dirname "$0")/../.."

say() { echo "soak: $*" >&2; }
die() { say "$*"; exit 1; }

SECONDS_TOTAL=${SOAK_SECONDS:-600}
P99_MS=${SOAK_P99_MS:-100}
CONNECTIONS=${SOAK_CONNECTIONS:-16}
CASES=${SOAK_CASES:-100000}
GRIDD=target/release/gridd
[ -x "$GRIDD" ] || die "$GRIDD is missing (make build)"
[ -n "${GRIDD_TEST_PG:-}" ] || die "GRIDD_TEST_PG is not set: run me through scripts/with-postgis.sh"
command -v wrk >/dev/null && command -v haproxy >/dev/null || die "wrk and haproxy are needed (scripts/with-postgis.sh installs them)"

OUT=target/soak
WORK=$(mktemp -d /tmp/gridd-soak.XXXXXX)
mkdir -p "$OUT"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
health() { curl -s -m 5 "http://127.0.0.1:$1/api/health"; }
rss_kib() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }

# The store: a fresh database, the sample city, the cases the transitions register.
admin_url=${GRIDD_TEST_PG%/*}
DB="$admin_url/gridd_soak_$(date +%s)"
name=${DB##*/}
psql -X -q -d "$admin_url/postgres" -c "CREATE DATABASE $name" || die "CREATE DATABASE failed"
psql -X -q -d "$DB" -c "CREATE EXTENSION postgis" || die "CREATE EXTENSION failed"
[ -f data/sample-city/grids.geojson ] || die "data/sample-city is missing (make data/sample-city/grids.geojson)"
"$GRIDD" import --db "$DB" data/sample-city >/dev/null 2>"$WORK/import.log" || { cat "$WORK/import.log"; die "import failed"; }
"$GRIDD" generate-incidents --seed 11 --count "$CASES" --start "$(date -u -d '-380 days' +%F)" --out "$WORK/cases" \
  >/dev/null 2>&1 || die "generate-incidents failed"
# Every loaded case waits to be registered (the generator ages most of a year's cases through
# the loop), so the transitions have SOAK_CASES to take, each once.
sed -E 's/"status":"[a-z_]+"/"status":"reported"/' "$WORK/cases/incidents.ndjson" >"$WORK/cases/reported.ndjson"
"$GRIDD" import-incidents --db "$DB" "$WORK/cases/reported.ndjson" >/dev/null 2>"$WORK/cases.log" \
  || { cat "$WORK/cases.log"; die "import-incidents failed"; }
# The cases the transitions register: those still waiting to be registered, each once.
psql -X -At -d "$DB" -c "SELECT id FROM incidents WHERE status = 'reported' ORDER BY id" >"$WORK/cases.txt" \
  || die "listing the cases failed"
say "cases to register: $(wc -l <"$WORK/cases.txt")"
"$GRIDD" user add --db "$DB" --login soak.admin --role admin --password-stdin <<<"soak-admin-password" >/dev/null 2>&1 \
  || die "gridd user add failed"
TOKEN=$("$GRIDD" token create --db "$DB" --name "soak-$(date +%s)" --role admin) || die "gridd token create failed"

# Two servers and the balancer.
ports=()
for i in 1 2; do
  port=$(free_port)
  GRIDD_LOG=warn "$GRIDD" serve --db "$DB" --port "$port" --web-dir "$WORK/no-web" >"$WORK/serve$i.log" 2>&1 &
  PIDS+=("$!"); ports+=("$port")
done
SERVERS=("${PIDS[@]}")
for i in 0 1; do
  for _ in $(seq 1 900); do health "${ports[$i]}" | grep -q '"status":"ok"' && break; sleep 0.1; done
  health "${ports[$i]}" | grep -q '"status":"ok"' || { cat "$WORK/serve$((i + 1)).log"; die "server $((i + 1)) did not start"; }
done
LB_PORT=$(free_port)
cat >"$WORK/haproxy.cfg" <<EOF
global
  maxconn 4000
defaults
  mode http
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  retries 3
  option redispatch
frontend front
  bind 127.0.0.1:$LB_PORT
  default_backend gridd
backend gridd
  balance roundrobin
  option httpchk GET /api/health
  server s1 127.0.0.1:${ports[0]} check inter 2s
  server s2 127.0.0.1:${ports[1]} check inter 2s
EOF
haproxy -f "$WORK/haproxy.cfg" -db >"$WORK/haproxy.log" 2>&1 &
PIDS+=("$!")
for _ in $(seq 1 100); do health "$LB_PORT" | grep -q status && break; sleep 0.1; done

# Resident memory of both servers every 10 s.
(
  t0=$(date +%s)
  while sleep 10; do
    echo "$(( $(date +%s) - t0 )) $(rss_kib "${SERVERS[0]}") $(rss_kib "${SERVERS[1]}")"
  done
) >"$WORK/rss.txt" &
PIDS+=("$!")

say "$SECONDS_TOTAL s of mixed load, $CONNECTIONS connections through haproxy on :$LB_PORT"
GRIDD_TOKEN=$TOKEN CASES_FILE=$WORK/cases.txt WRK_THREADS=2 \
  wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_TOTAL}s" --latency --timeout 10s -s tests/soak/mixed.lua \
  "http://127.0.0.1:$LB_PORT" >"$WORK/wrk.log" 2>&1 || { cat "$WORK/wrk.log"; die "wrk failed"; }
sleep 1
line=$(grep '^WRK ' "$WORK/wrk.log") || { cat "$WORK/wrk.log"; die "wrk printed no summary"; }
field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<<"$line"; }
errors=$(( $(field non2xx) + $(field connect) + $(field read) + $(field write) + $(field timeout) ))
p99_us=$(field p99_us)

# Memory: mean of the minute after warm-up against the mean of the last minute, per server.
warm=$(( SECONDS_TOTAL / 5 ))
memory=$(awk -v warm="$warm" -v end="$SECONDS_TOTAL" '
  $1 >= warm && $1 < warm + 60 { a1 += $2; a2 += $3; na++ }
  $1 > end - 60 && $1 <= end { b1 += $2; b2 += $3; nb++ }
  END {
    if (na == 0 || nb == 0) { print "0 0 0 0 100 100"; exit }
    g1 = (b1 / nb) / (a1 / na) * 100 - 100; g2 = (b2 / nb) / (a2 / na) * 100 - 100
    printf "%.0f %.0f %.0f %.0f %.1f %.1f\n", a1 / na / 1024, b1 / nb / 1024, a2 / na / 1024, b2 / nb / 1024, g1, g2
  }' "$WORK/rss.txt")
read -r m1a m1b m2a m2b g1 g2 <<<"$memory"
# A fresh server on the data the soak left: the memory the data needs.
fresh_port=$(free_port)
GRIDD_LOG=warn "$GRIDD" serve --db "$DB" --port "$fresh_port" --web-dir "$WORK/no-web" >"$WORK/serve-fresh.log" 2>&1 &
fresh_pid=$!
PIDS+=("$fresh_pid")
for _ in $(seq 1 900); do health "$fresh_port" | grep -q '"status":"ok"' && break; sleep 0.1; done
sleep 2
fresh=$(( $(rss_kib "$fresh_pid") / 1024 ))
end1=$(( $(rss_kib "${SERVERS[0]}") / 1024 )); end2=$(( $(rss_kib "${SERVERS[1]}") / 1024 ))
over1=$(awk -v a="$end1" -v f="$fresh" 'BEGIN { printf "%.1f", (a / f - 1) * 100 }')
over2=$(awk -v a="$end2" -v f="$fresh" 'BEGIN { printf "%.1f", (a / f - 1) * 100 }')
counts=$(for p in "${ports[@]}"; do
  health "$p" | python3 -c 'import json, sys; h = json.load(sys.stdin); print(h["changes_applied"], "/", h["incidents"], end="; ")'
done)

{
  echo "soak: $SECONDS_TOTAL s, $CONNECTIONS connections, 2 servers on one PostGIS behind haproxy ($(nproc) cores)"
  echo "  requests $(field requests) ($(field rps)/s), errors $errors (non-2xx $(field non2xx), socket $(( $(field connect) + $(field read) + $(field write) + $(field timeout) )))"
  echo "  latency p50 $(( $(field p50_us) / 1000 )).$(( $(field p50_us) % 1000 / 100 )) ms, p90 $(( $(field p90_us) / 1000 )) ms, p99 $(( p99_us / 1000 )).$(( p99_us % 1000 / 100 )) ms (bound $P99_MS ms)"
  echo "  resident memory after warm-up -> end: server 1 ${m1a} -> ${m1b} MiB (${g1}%), server 2 ${m2a} -> ${m2b} MiB (${g2}%), as the incidents held grew"
  echo "  at the end: server 1 ${end1} MiB (${over1}%), server 2 ${end2} MiB (${over2}%) against ${fresh} MiB for a fresh server on the same data (bound +10%)"
  echo "  change lines applied / incidents held (server 1, server 2): $counts"
} | tee "$OUT/summary.txt"
cp "$WORK/rss.txt" "$OUT/rss.txt"

fail=0
[ "$errors" -eq 0 ] || { say "FAILED: $errors errors"; fail=1; }
[ "$p99_us" -le $(( P99_MS * 1000 )) ] || { say "FAILED: p99 over $P99_MS ms"; fail=1; }
awk -v a="$over1" -v b="$over2" 'BEGIN { exit !(a < 10 && b < 10) }' \
  || { say "FAILED: a soaked server holds 10% or more beyond what a fresh one needs for the same data"; fail=1; }
[ "$fail" = 0 ] && say "passed"
exit "$fail"
