#!/usr/bin/env bash
# `make bench-scale`: the city ten times over (SCALE_COPIES sample cities side by side, each a
# county: 390 / 1,640 / 12,430 grids, ~220,000 buildings) and SCALE_INCIDENTS (10M) incidents
# over it, then the parts of tests/bench/run.sh that say what size costs, on both stores and
# side by side with PostGIS: import (P3a), start-up time and resident memory with the KPI
# index, bulk assignment (P1), locate (P2), density tiles (P4) and the KPI table over a worked
# year (P6a). Data are generated once into target/bench-scale/data (about 3 GB); the summary is
# target/bench-scale/summary.txt. Runs inside scripts/with-postgis.sh.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
COPIES=${SCALE_COPIES:-10}
COUNT=${SCALE_INCIDENTS:-10000000}
DATA=target/bench-scale/data
GRIDD=./target/release/gridd
say() { echo "bench-scale: $*" >&2; }
[ -x "$GRIDD" ] || { say "$GRIDD is missing; run make build first"; exit 1; }
mkdir -p "$DATA"
if [ ! -f "$DATA/city-$COPIES/grids.geojson" ]; then
  say "generating $COPIES sample cities side by side into $DATA/city-$COPIES"
  "$GRIDD" generate --copies "$COPIES" --out "$DATA/city-$COPIES" >&2 || { say "gridd generate failed"; exit 1; }
fi
if [ ! -f "$DATA/incidents-$COPIES-$COUNT/incidents.ndjson" ]; then
  say "generating $COUNT incidents over them"
  "$GRIDD" generate-incidents --seed 7 --count "$COUNT" --city-copies "$COPIES" --out "$DATA/incidents-$COPIES-$COUNT" >&2 \
    || { say "gridd generate-incidents failed"; exit 1; }
  rm -f "$DATA/incidents-$COPIES-$COUNT/incidents.csv" # only the NDJSON is read
fi
BENCH_OUT=target/bench-scale BENCH_CITY="$DATA/city-$COPIES" BENCH_INCIDENTS="$DATA/incidents-$COPIES-$COUNT/incidents.ndjson" \
  BENCH_PARTS="${SCALE_PARTS:-P1 P2 P3a P4 P6a}" BENCH_CRITERION=0 BENCH_ROUNDS="${BENCH_ROUNDS:-1}" BENCH_SERVE_WAIT_S="${BENCH_SERVE_WAIT_S:-900}" \
  exec tests/bench/run.sh
