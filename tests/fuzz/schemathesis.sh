#!/usr/bin/env bash
# Schemathesis (PyPI) against a live `gridd serve` on the fixture city, with an admin token,
# for every operation of GET /api/openapi.json: no answer may be a 5xx, and every answer's
# status, media type and body must be what the document says. Installs Schemathesis in a
# virtual environment under target/ on first use. `make test-fuzz` (part of `make test`).
set -euo pipefail
cd "$(dirname "$0")/../.."
VERSION=4.32.5
VENV=target/schemathesis-$VERSION
BIN=${GRIDD_BIN:-target/release/gridd}
EXAMPLES=${FUZZ_EXAMPLES:-50}
SEED=${FUZZ_SEED:-20261204}
if [ ! -x "$VENV/bin/schemathesis" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "schemathesis==$VERSION"
fi
work=$(mktemp -d)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
db="sqlite:$work/fuzz.db"
"$BIN" import --db "$db" data/fixture >/dev/null 2>&1
token=$("$BIN" token create --db "$db" --name schemathesis --role admin --scope '*' 2>/dev/null)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$BIN" serve --db "$db" --port "$port" --demo-accounts >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$port/api/health" >/dev/null && break
  sleep 0.2
done
echo "schemathesis $VERSION: $EXAMPLES examples an operation, seed $SEED, against port $port"
"$VENV/bin/schemathesis" run "http://127.0.0.1:$port/api/openapi.json" \
  -H "Authorization: Bearer $token" \
  --max-examples "$EXAMPLES" --seed "$SEED" \
  --checks not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance \
  --warnings off
