#!/usr/bin/env bash
# Fails when the pure core crate (gridd-core) gains a server dependency: an async runtime,
# a web framework or a database driver. Run by `make lint` (and so by `make test`).
set -euo pipefail
forbidden='^(tokio|tokio-postgres|postgres|axum|hyper|tower|tower-http|rusqlite|libsqlite3-sys|deadpool-postgres|postgis|tracing-subscriber) '
deps=$(cargo tree -p gridd-core -e normal,build --prefix none --offline 2>/dev/null || cargo tree -p gridd-core -e normal,build --prefix none)
if bad=$(grep -E "$forbidden" <<<"$deps" | sort -u) && [ -n "$bad" ]; then
  echo "gridd-core must stay free of I/O frameworks, but depends on:" >&2
  echo "$bad" >&2
  exit 1
fi
echo "gridd-core: $(sort -u <<<"$deps" | wc -l) crates, none of them a runtime, web framework or database driver"
