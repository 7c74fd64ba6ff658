#!/usr/bin/env python3
"""P6a's check: gridd's KPI table (GET /api/stats/kpis?level=3 on the SQLite store) against
PostGIS computing the same counts in SQL (tests/bench/kpi.sql) over the same worked cases in
the PostGIS store. Prints `BENCH` lines for run.sh: grids on each side, grids whose counts
differ (overdue and due excepted: they depend on the second each side asked), and totals.

usage: kpi_compare.py URL TOKEN PG_URL
"""
import json
import subprocess
import sys
import urllib.request

COLUMNS = ["reported", "registered", "dispatched", "returned", "responded", "responded_on_time",
           "due", "closed", "closed_on_time", "reworked", "overdue", "evaluated", "satisfied"]
EXACT = [c for c in COLUMNS if c not in ("overdue", "due")]

url, token, pg = sys.argv[1:4]
req = urllib.request.Request(url + "/api/stats/kpis?level=3", headers={"Authorization": "Bearer " + token})
ours = {r["key"]: r["counts"] for r in json.load(urllib.request.urlopen(req))["rows"]}
out = subprocess.run(["psql", "-X", "-At", "-F", ",", "-f", "tests/bench/kpi.sql", pg],
                     check=True, capture_output=True, text=True).stdout
theirs = {}
for line in out.strip().splitlines():
    cells = line.split(",")
    theirs[cells[0]] = dict(zip(COLUMNS, map(int, cells[1:])))
differ = sorted(g for g in set(ours) | set(theirs)
                if g not in ours or g not in theirs or any(ours[g][c] != theirs[g][c] for c in EXACT))
for g in differ[:5]:
    print(f"kpi_compare: {g} differs: gridd {ours.get(g)} PostGIS {theirs.get(g)}", file=sys.stderr)
print(f"BENCH p6_grids_gridd {len(ours)}")
print(f"BENCH p6_grids_pg {len(theirs)}")
print(f"BENCH p6_mismatch_grids {len(differ)}")
for c in ("reported", "closed", "overdue"):
    print(f"BENCH p6_total_{c}_gridd {sum(r[c] for r in ours.values())}")
    print(f"BENCH p6_total_{c}_pg {sum(r[c] for r in theirs.values())}")
