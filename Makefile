# The README's two commands are `make demo` and `make test`; the rest are their parts.
SHELL := /bin/bash
CARGO ?= cargo
DEMO_DB ?= sqlite:data/gridd.db
DEMO_DATA ?= data/sample-city
CITY_SEED ?= 42
PORT ?= 8080

.PHONY: demo test test-all build web lint fmt clean-db incidents

## demo: build everything, generate the sample city if absent, serve it at http://localhost:$(PORT) (embedded store)
# A new demo database gets the city and a year of generated incidents (DEMO_INCIDENTS of them)
# worked through the loop (`gridd work-cases`: histories up to now, some still open, some
# overdue), so the leader's heatmap and KPIs have something to show; an existing one is
# served as it is.
demo: build web $(DEMO_DATA)/grids.geojson data/demo-incidents/incidents.ndjson
	@if [ "$(DEMO_DB)" = "sqlite:data/gridd.db" ] && [ ! -e data/gridd.db ]; then \
	  ./target/release/gridd import --db $(DEMO_DB) $(DEMO_DATA) && \
	  ./target/release/gridd import-incidents --db $(DEMO_DB) data/demo-incidents/incidents.ndjson && \
	  ./target/release/gridd work-cases --db $(DEMO_DB); \
	fi
	./target/release/gridd serve --db $(DEMO_DB) --port $(PORT) --load-if-empty $(DEMO_DATA) --demo-accounts

DEMO_INCIDENTS ?= 200000
# A year that ends yesterday, so recent cases are still being worked.
DEMO_START ?= $(shell date -u -d '-366 days' +%F)
data/demo-incidents/incidents.ndjson: | build
	./target/release/gridd generate-incidents --seed 7 --count $(DEMO_INCIDENTS) --start $(DEMO_START) --out data/demo-incidents

build:
	$(CARGO) build --release --bin gridd

# The sample city is regenerated on demand (deterministic; about 8 MB), never committed.
data/sample-city/grids.geojson:
	$(CARGO) build --release --bin gridd
	./target/release/gridd generate --seed $(CITY_SEED) --out data/sample-city

## incidents: a year of synthetic incidents (1M, NDJSON + CSV) in data/incidents
incidents: build
	./target/release/gridd generate-incidents --seed 7 --count 1000000 --out data/incidents

## web: the map frontend (Vite + TypeScript + MapLibre) built into web/dist, which `gridd serve` serves
# npm ci runs only when node_modules is missing or package-lock.json changed (the stamp is
# npm's own record of the last install); the build only when a source changed.
NPM ?= npm
WEB_SOURCES := $(shell find web/src web/public -type f 2>/dev/null) web/index.html web/package.json web/tsconfig.json web/vite.config.ts
web: web/dist/index.html
web/node_modules/.package-lock.json: web/package-lock.json
	cd web && $(NPM) ci --no-audit --no-fund
	@touch $@
web/dist/index.html: web/node_modules/.package-lock.json $(WEB_SOURCES)
	cd web && $(NPM) run build

## test-web: typescript-eslint over web/src and web/test, then the frontend's pure modules
## (view state, URL, latest-request, answer checks, i18n) under node's test runner
.PHONY: test-web
web/lint/node_modules/.package-lock.json: web/lint/package-lock.json
	cd web/lint && $(NPM) ci --no-audit --no-fund
	@touch $@
test-web: web/node_modules/.package-lock.json web/lint/node_modules/.package-lock.json
	cd web && lint/node_modules/.bin/eslint -c lint/eslint.config.js --max-warnings 0 src test
	cd web && $(NPM) test

## test-browser: the frontend in Debian's Chromium (tests/browser/): views, report flow, filters,
## languages, screenshots in tests/browser/screenshots/, P6 (first full map render)
.PHONY: test-browser
tests/browser/node_modules/.package-lock.json: tests/browser/package-lock.json
	cd tests/browser && $(NPM) ci --no-audit --no-fund
	@touch $@
test-browser: build web tests/browser/node_modules/.package-lock.json data/sample-city/grids.geojson
	cd tests/browser && $(NPM) test

## test-cluster: two release servers on one PostGIS behind haproxy (tests/cluster/): the
## change feed, SIGKILL during posts, a PostgreSQL outage; a CLI import reaching a running
## SQLite server. Needs GRIDD_TEST_PG (run inside `make test`); it stops and restarts that
## PostgreSQL, so it runs last.
.PHONY: test-cluster
test-cluster: build web data/sample-city/grids.geojson
	cd tests/cluster && $(NPM) test

## test: install what is missing, start a throwaway PostGIS cluster, run every test, stop it
test: web
	scripts/with-postgis.sh $(MAKE) --no-print-directory test-all

# Everything that runs inside the cluster's lifetime (GRIDD_TEST_PG is set by the script, so
# no PostGIS test is ignored). The summary line sums every cargo test binary (unit tests,
# the one integration binary `it`, doctests) in Rust's own words, so a reader (or CI) sees
# one true total; it is printed even when a test failed, after what the failing tests printed
# (so the end of the log, which is all CI keeps, says why).
test-all: lint
	mkdir -p target
	tests/fixtures/osm/fetch.sh target/osm
	set -o pipefail; $(CARGO) test --workspace --no-fail-fast 2>&1 | tee target/test-output.log; rc=$$?; \
	  awk '/^---- .* ----$$/ { keep = 1 } /^failures:$$/ || /^test result:/ { keep = 0 } \
	    keep && !/ INFO[^A-Za-z]/ { detail = detail $$0 "\n" } \
	    /^test result:/ { p += $$4; f += $$6; i += $$8 } \
	    END { if (detail != "") printf "\nwhat the failing tests printed (log lines left out):\n%s\n", detail; \
	          printf "cargo test: %d passed, %d failed, %d ignored\n", p, f, i }' target/test-output.log; \
	  exit $$rc
	$(MAKE) --no-print-directory test-web
	$(MAKE) --no-print-directory test-fuzz
	$(MAKE) --no-print-directory test-browser
	$(MAKE) --no-print-directory test-cluster

## test-fuzz: Schemathesis over every operation of /api/openapi.json on a served fixture city
## (no 5xx; status, media type and body as documented)
test-fuzz: build
	tests/fuzz/schemathesis.sh

## types: regenerate web/src/api/generated.ts from the Rust API types (a test fails when they drift)
.PHONY: types
types:
	GRIDD_WRITE_TYPES=1 $(CARGO) test -p gridd --test it contract

## lint: formatting, clippy, and the core crate kept free of I/O frameworks
lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	scripts/check-core-deps.sh

fmt:
	$(CARGO) fmt --all

## clean-db: forget the demo database (the next `make demo` reloads the sample data)
clean-db:
	rm -f data/gridd.db data/gridd.db-wal data/gridd.db-shm

## bench-scale: a city ten times the sample and 10M incidents (generated once into
## target/bench-scale/data): import, start-up time and memory, P1, P2, P4 and the KPI table on
## both stores beside PostGIS; summary in target/bench-scale/summary.txt
.PHONY: bench-scale
bench-scale: build
	scripts/with-postgis.sh tests/bench/scale.sh

## soak: two servers on one throwaway PostGIS behind haproxy under 10 minutes of mixed load
## (SOAK_SECONDS): 0 errors, p99 under SOAK_P99_MS, resident memory flat within 10%;
## summary in target/soak/summary.txt
.PHONY: soak
soak: build data/sample-city/grids.geojson
	scripts/with-postgis.sh tests/soak/run.sh

## bench: the benchmarks side by side with PostGIS in one run (throwaway cluster): bulk
## assignment, /api/locate, incident intake, density tiles, planning (P5), criterion benches;
## summary in target/bench/summary.txt
.PHONY: bench
bench: build
	scripts/with-postgis.sh tests/bench/run.sh
