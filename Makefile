# The README's two commands are `make demo` and `make test`; the rest are their parts.
SHELL := /bin/bash
CARGO ?= cargo
DEMO_DB ?= sqlite:data/gridd.db
DEMO_DATA ?= data/sample-city
CITY_SEED ?= 42
PORT ?= 8080

.PHONY: demo test test-all build web lint fmt clean-db incidents

## demo: build everything, generate the sample city if absent, serve it at http://localhost:$(PORT) (embedded store)
demo: build web $(DEMO_DATA)/grids.geojson
	./target/release/gridd serve --db $(DEMO_DB) --port $(PORT) --load-if-empty $(DEMO_DATA)

build:
	$(CARGO) build --release --bin gridd

# The sample city is regenerated on demand (deterministic; about 8 MB), never committed.
data/sample-city/grids.geojson:
	$(CARGO) build --release --bin gridd
	./target/release/gridd generate --seed $(CITY_SEED) --out data/sample-city

## incidents: a year of synthetic incidents (1M, NDJSON + CSV) in data/incidents
incidents: build
	./target/release/gridd generate-incidents --seed 7 --count 1000000 --out data/incidents

# The frontend. Until the Vite app exists (its issue), the placeholder page is copied as is.
web: web/dist/index.html
web/dist/index.html: web/index.html
	mkdir -p web/dist
	cp web/index.html web/dist/index.html

## test: install what is missing, start a throwaway PostGIS cluster, run every test, stop it
test: web
	scripts/with-postgis.sh $(MAKE) --no-print-directory test-all

# Everything that runs inside the cluster's lifetime (GRIDD_TEST_PG is set by the script).
# The last line sums every cargo test binary, so a reader (or CI) sees one total.
test-all: lint
	set -o pipefail; $(CARGO) test --workspace 2>&1 | tee target/test-output.log
	@awk '/^test result:/ { p += $$4; f += $$6; s += $$8 } END { printf "cargo test: %d passed, %d failed, %d skipped\n", p, f, s }' target/test-output.log

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

fmt:
	$(CARGO) fmt --all

## clean-db: forget the demo database (the next `make demo` reloads the sample data)
clean-db:
	rm -f data/gridd.db data/gridd.db-wal data/gridd.db-shm

## bench: issue 5's benchmarks side by side with PostGIS in one run (throwaway cluster): bulk
## assignment, /api/locate, incident intake, criterion benches; summary in target/bench/summary.txt
.PHONY: bench
bench: build
	scripts/with-postgis.sh tests/bench/run.sh
