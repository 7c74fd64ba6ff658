# The README's two commands are `make demo` and `make test`; the rest are their parts.
SHELL := /bin/bash
CARGO ?= cargo
DEMO_DB ?= sqlite:data/gridd.db
DEMO_DATA ?= data/fixture
PORT ?= 8080

.PHONY: demo test test-all build web lint fmt clean-db

## demo: build everything and serve the sample data at http://localhost:$(PORT) (embedded store)
demo: build web
	./target/release/gridd serve --db $(DEMO_DB) --port $(PORT) --load-if-empty $(DEMO_DATA)

build:
	$(CARGO) build --release --bin gridd

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
