#!/usr/bin/env python3
"""Writes tests/hostile/cases.jsonl: hostile and careless requests, each with the status it
must get and whether it may write anything. `tests/it/hostile_corpus.rs` sends every case to
a server on the fixture city, on both stores, and checks the status, the JSON error shape and
that nothing was written. Run this again after adding a case; the JSONL is what the test reads.

The runner first posts one good report, so incident 1 exists for the transition cases.

A case: name, method, path, optional headers, body (text) or body_repeat ({before, text,
times, after}: `text` repeated `times` times between `before` and `after`),
status, optional error (the JSON `error` kind), optional contains (in the message), writes
(false: the store's counts, drafts and versions are unchanged afterwards).
"""
import json
import pathlib
import urllib.parse

OUT = pathlib.Path(__file__).with_name("cases.jsonl")
JSON = {"content-type": "application/json"}
GOOD = {"lng": 110.4319, "lat": 35.4765, "category": "e_environment"}
cases = []


def case(name, method, path, status, body=None, headers=None, error=None, contains=None,
         writes=False, body_repeat=None):
    c = {"name": name, "method": method, "path": path, "status": status, "writes": writes}
    if headers is not None:
        c["headers"] = headers
    if body is not None:
        c["body"] = body
    if body_repeat is not None:
        c["body_repeat"] = body_repeat
    if error is not None:
        c["error"] = error
    if contains is not None:
        c["contains"] = contains
    cases.append(c)


def report(name, fields, status=400, error="invalid_field", contains=None, drop=()):
    body = {**GOOD, **fields}
    for k in drop:
        body.pop(k, None)
    case(name, "POST", "/api/incidents", status, json.dumps(body, ensure_ascii=False), JSON,
         error, contains)


# --- single reports: bodies that are not JSON -------------------------------------------
for i, raw in enumerate([
    "", "{", "}", "[", "null", "true", "42", '"text"', "[]", "[1,2]", '{"lng":}',
    '{"lng":110.4,"lat":35.4,"category":"e_environment"', "{'lng':110.4}", "\x00\x01\x02",
    '{"lng":110.4,,"lat":35.4}', "lng=110.4&lat=35.4", '{"lng":110.4}{"lat":35.4}',
    '\ufeff{"lng":110.4}', "<xml/>", '{"a":' * 200 + "1" + "}" * 200,
]):
    case(f"report body not an object #{i}: {raw[:24]!r}", "POST", "/api/incidents", 400,
         raw, JSON)

# --- single reports: coordinates ------------------------------------------------------------
for v in ["NaN", "Infinity", "-Infinity", "1e400", "-1e400"]:
    case(f"report lng {v} (bare JSON token)", "POST", "/api/incidents", 400,
         '{"lng":%s,"lat":35.4765,"category":"e_environment"}' % v, JSON)
for name, fields in [
    ("lng as a string NaN", {"lng": "NaN"}),
    ("lat as a string Infinity", {"lat": "Infinity"}),
    ("lng 181", {"lng": 181}),
    ("lng -181", {"lng": -181}),
    ("lat 91", {"lat": 91}),
    ("lat -91", {"lat": -91}),
    ("lng null", {"lng": None}),
    ("lat null", {"lat": None}),
    ("lng an array", {"lng": [110.4]}),
    ("lat an object", {"lat": {"v": 35.4}}),
    ("lng a boolean", {"lng": True}),
    ("lng empty string", {"lng": ""}),
    ("lng with a comma decimal", {"lng": "110,4319"}),
    ("lng and lat swapped", {"lng": 35.4765, "lat": 110.4319}),
    ("point outside China (London)", {"lng": -0.1276, "lat": 51.5072}),
    ("point at 0,0", {"lng": 0, "lat": 0}),
    ("crs unknown", {"crs": "epsg:3857"}),
    ("crs empty", {"crs": ""}),
    ("crs a number", {"crs": 4326}),
    ("crs bd09 at -180,-90", {"crs": "bd09", "lng": -180, "lat": -90}),
    ("crs gcj02 far outside China", {"crs": "gcj02", "lng": 2.35, "lat": 48.85}),
]:
    report(f"report {name}", fields)
report("report without lng", {}, drop=("lng",))
report("report without lat", {}, drop=("lat",))
report("report without category", {}, drop=("category",))

# --- single reports: other fields -----------------------------------------------------------
for name, fields in [
    ("category unknown", {"category": "e_unknown"}),
    ("category empty", {"category": ""}),
    ("category a number", {"category": 3}),
    ("category SQL", {"category": "e_environment' OR '1'='1"}),
    ("channel unknown", {"channel": "carrier_pigeon"}),
    ("status unknown", {"status": "teleported"}),
    ("description over 4000 characters", {"description": "井" * 4001}),
    ("description an object", {"description": {"text": "x"}}),
    ("reported_at not a time", {"reported_at": "yesterday"}),
    ("reported_at in 2999", {"reported_at": "2999-01-01T00:00:00Z"}),
    ("reported_at a number", {"reported_at": 1700000000}),
    ("reported_at without zone", {"reported_at": "2026-03-01T08:00:00"}),
    ("reporter name over the limit", {"reporter_name": "名" * 200}),
    ("reporter phone letters", {"reporter_phone": "call me"}),
    ("reporter phone too long", {"reporter_phone": "1" * 40}),
    ("order number with spaces", {"order_no": "工单 1"}),
    ("order number too long", {"order_no": "A" * 200}),
    ("unknown field", {"colour": "red"}),
    ("unknown field __proto__", {"__proto__": {"admin": True}}),
]:
    report(f"report {name}", fields)

report("report description over 4000 characters says so", {"description": "井" * 4001},
       contains="description is 4001 characters long; at most 4000 are taken")
report("report bd09 at -180,-90 names the input, not a converted value",
       {"crs": "bd09", "lng": -180, "lat": -90},
       contains="(-180, -90) is outside China, where bd09 positions do not exist")

# --- single reports: transport --------------------------------------------------------------
body = json.dumps(GOOD)
for ct in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
           "application/xml", "application/jsonp", "text/json"]:
    case(f"report as {ct}", "POST", "/api/incidents", 415, body, {"content-type": ct},
         "unsupported_media_type")
case("report without a content type", "POST", "/api/incidents", 415, body, {},
     "unsupported_media_type")
case("report with a query parameter", "POST", "/api/incidents?x=1", 400, body, JSON,
     "invalid_query")
case("report body of 17 MB", "POST", "/api/incidents", 413, None, JSON, "payload_too_large",
     body_repeat={"text": "a", "times": 17 * 1024 * 1024})

# --- bulk loads -----------------------------------------------------------------------------
line = json.dumps(GOOD)
for name, raw, status, err in [
    ("empty", "", 400, "invalid_body"),
    ("only blank lines", "\n\n\n", 400, "invalid_body"),
    ("a bad line among good ones", line + "\n{\"lng\":1}\n" + line + "\n", 422, "unprocessable"),
    ("a NaN among good ones", line + "\n{\"lng\":NaN,\"lat\":35.4,\"category\":\"e_environment\"}\n", 422, "unprocessable"),
    ("CSV with an unknown column", "lng,lat,colour\n110.4,35.4,red\n", 422, "unprocessable"),
    ("CSV header lng,lng", "lng,lng,category\n110.4,110.4,e_environment\n", 422, "unprocessable"),
    ("CSV without its header", "110.4319,35.4765,e_environment\n", 422, "unprocessable"),
    ("binary garbage", "\x89PNG\r\n\x1a\n\x00\x00", 422, "unprocessable"),
    ("gzip magic bytes", "\x1f\x8b\x08\x00\x00\x00\x00\x00", 422, "unprocessable"),
    ("JSON array, not NDJSON", json.dumps([GOOD, GOOD]), 422, "unprocessable"),
    ("a line that is an array", "[1,2,3]\n", 422, "unprocessable"),
    ("points outside China", json.dumps({**GOOD, "lng": 2.35, "lat": 48.85}) + "\n", 422, "unprocessable"),
]:
    case(f"bulk {name}", "POST", "/api/incidents/bulk", status, raw, {"content-type": "application/x-ndjson"}, err)
case("bulk CSV with a bad header reports the header once", "POST", "/api/incidents/bulk", 422,
     "lng,lat,colour\n1,2,3\n4,5,6\n", {}, "unprocessable", contains="1 bad line(s) of 3")
case("bulk gzip-encoded is refused once", "POST", "/api/incidents/bulk", 415,
     "\x1f\x8b\x08\x00", {"content-encoding": "gzip"}, "unsupported_media_type",
     contains="Content-Encoding gzip is not taken")
case("bulk with a query parameter", "POST", "/api/incidents/bulk?format=csv", 400, line, {},
     "invalid_query")
case("bulk declaring 2 GB", "POST", "/api/incidents/bulk", 413, line,
     {"content-length": "2147483648"}, "payload_too_large")
case("bulk line over 1 MiB", "POST", "/api/incidents/bulk", 413, None, {}, "payload_too_large",
     body_repeat={"text": "x", "times": (1 << 20) + 10})

# --- query parameters -----------------------------------------------------------------------
for path, status, err in [
    ("/api/grids?level=0", 400, None), ("/api/grids?level=4", 400, None),
    ("/api/grids?level=abc", 400, None), ("/api/grids?level=", 200, None),
    ("/api/grids?parent=abc", 400, None), ("/api/grids?parent=6105810019999999", 400, None),
    ("/api/grids?bbox=1,2,3", 400, None), ("/api/grids?bbox=1,2,3,4,5", 400, None),
    ("/api/grids?bbox=110.5,35.5,110.4,35.4", 400, None),
    ("/api/grids?bbox=NaN,35,110,36", 400, None), ("/api/grids?bbox=-200,35,110,36", 400, None),
    ("/api/grids?bbox=a,b,c,d", 400, None), ("/api/grids?colour=red", 400, "invalid_query"),
    ("/api/grids?level=3&level=2", 400, None),
    ("/api/compounds?bbox=1,2", 400, None), ("/api/buildings?grid=' OR 1=1--", 400, None),
    ("/api/locate", 400, None), ("/api/locate?lng=110.4", 400, None),
    ("/api/locate?lng=NaN&lat=35.4", 400, None), ("/api/locate?lng=110.4&lat=inf", 400, None),
    ("/api/locate?lng=181&lat=35", 400, None), ("/api/locate?lng=110.4&lat=35.4&crs=mars", 400, None),
    ("/api/locate?lng=110.4&lat=35.4&at=someday", 400, None),
    ("/api/locate?lng=110.4&lat=35.4&x=1", 400, "invalid_query"),
    ("/api/incidents?limit=-1", 400, None), ("/api/incidents?limit=abc", 400, None),
    ("/api/incidents?limit=99999999999999999999", 400, None),
    ("/api/incidents?status=teleported", 400, None), ("/api/incidents?category=x", 400, None),
    ("/api/incidents?from=yesterday", 400, None), ("/api/incidents?to=2026-13-01", 400, None),
    ("/api/incidents?grid=61058100100100%27", 400, None),
    ("/api/incidents?bbox=110.5,35.5,110.4,35.4", 400, None),
    ("/api/incidents?channel=telepathy", 400, None), ("/api/incidents?assignee=everyone", 400, None),
    ("/api/incidents?overdue=maybe", 400, None), ("/api/incidents?sort=id", 400, "invalid_query"),
    ("/api/stats/grids?level=9", 400, None), ("/api/stats/grids?boundaries=sideways", 400, None),
    ("/api/stats/grids?format=pdf", 400, None), ("/api/stats/kpis?by=planet", 400, None),
    ("/api/coverage?metric=nothing", 400, None), ("/api/plan/oversized?min=600&max=300", 400, None),
    ("/api/plan/oversized?min=99999999999", 400, None), ("/api/plan/oversized?min=abc", 400, None),
    ("/api/audit?from=soon", 400, None), ("/api/outbox?after=-5x", 400, None),
    ("/api/incidents/nearby?lng=abc&lat=35", 400, None),
    ("/api/health?x=1", 400, "invalid_query"), ("/api/versions?all=1", 400, "invalid_query"),
    ("/api/drafts?mine=1", 400, "invalid_query"), ("/api/session?debug=1", 400, "invalid_query"),
    ("/api/departments?x=", 400, "invalid_query"), ("/api/calendar?format=csv", 400, "invalid_query"),
    ("/api/grids/610581001001001?x=1", 400, "invalid_query"),
]:
    case(f"GET {path}", "GET", path, status, error=err)

# --- tiles ----------------------------------------------------------------------------------
for path, status in [
    ("/tiles/density/25/0/0.mvt", 400), ("/tiles/density/3/8/0.mvt", 400),
    ("/tiles/density/3/0/8.mvt", 400), ("/tiles/density/-1/0/0.mvt", 400),
    ("/tiles/density/x/0/0.mvt", 400), ("/tiles/density/12/3304/1615", 400),
    ("/tiles/density/12/3304/1615.png", 400), ("/tiles/density/12/3304/1615.mvt?bins=0", 400),
    ("/tiles/density/12/3304/1615.mvt?category=x", 400),
    ("/tiles/density/12/3304/1615.mvt?from=never", 400),
    ("/tiles/grids/12/3304/1615.mvt?level=7", 400), ("/tiles/roads/99/0/0.mvt", 400),
    ("/tiles/roads/12/3304/1615.mvt?x=1", 400), ("/tiles/nothing/1/2/3", 404),
    ("/tiles/", 404), ("/tiles/density", 404),
]:
    case(f"GET {path}", "GET", path, status)

# --- paths ----------------------------------------------------------------------------------
for path, status in [
    ("/api/", 404), ("/api", 404), ("/api/nothing", 404), ("/api/grids/abc", 400),
    ("/api/grids/" + "6" * 300, 400), ("/api/" + "a" * 300, 404),
    ("/api/grids/610581999999999", 404), ("/api/incidents/abc", 400),
    ("/api/incidents/-1", 400), ("/api/incidents/99999999999999999999", 400),
    ("/api/incidents/999999", 404), ("/api/drafts/abc", 400), ("/api/drafts/999999", 404),
    ("/api/../etc/passwd", 404), ("/api/%2e%2e/%2e%2e/etc/passwd", 404),
    ("/api/grids/%00", 400), ("/api/grids/610581001001001%27%20OR%201=1", 400),
    ("/api/grids/网格", 400),
]:
    case(f"GET {path[:60]}", "GET", path, status)

# --- methods --------------------------------------------------------------------------------
for method, path in [
    ("DELETE", "/api/health"), ("PUT", "/api/health"), ("PATCH", "/api/incidents"),
    ("DELETE", "/api/incidents"), ("PUT", "/api/grids"), ("POST", "/api/grids"),
    ("DELETE", "/api/grids/610581001001001"), ("POST", "/api/locate"), ("PUT", "/api/versions"),
    ("POST", "/api/calendar"), ("DELETE", "/api/calendar"), ("PUT", "/api/drafts"),
    ("PATCH", "/api/session"), ("POST", "/api/stats/grids"), ("DELETE", "/api/audit"),
]:
    case(f"{method} {path}", method, path, 405, "", JSON, "method_not_allowed")

# --- drafts, publish, plan ------------------------------------------------------------------
for name, path, raw, status in [
    ("draft name over 100 characters", "/api/drafts", json.dumps({"name": "名" * 101}), 400),
    ("draft name a number", "/api/drafts", json.dumps({"name": 5}), 400),
    ("draft with an unknown field", "/api/drafts", json.dumps({"nom": "x"}), 400),
    ("draft body not JSON", "/api/drafts", "name=x", 400),
    ("split in a missing draft", "/api/drafts/999999/split", json.dumps({"code": "610581001001001"}), 404),
    ("merge in a missing draft", "/api/drafts/999999/merge", json.dumps({"codes": []}), 404),
    ("publish a missing draft", "/api/drafts/999999/publish", "{}", 404),
    ("undo in a missing draft", "/api/drafts/999999/undo", "{}", 404),
    ("plan split of a malformed code", "/api/plan/split", json.dumps({"code": "abc"}), 400),
    ("plan split of an unknown grid", "/api/plan/split", json.dumps({"code": "610581009009009"}), 404),
    ("plan split with an empty band", "/api/plan/split", json.dumps({"code": "610581001001001", "min": 600, "max": 300}), 400),
    ("plan split with k of zero", "/api/plan/split", json.dumps({"code": "610581001001001", "k": 0}), 400),
    ("plan split with an unknown field", "/api/plan/split", json.dumps({"code": "610581001001001", "x": 1}), 400),
]:
    case(name, "POST", path, status, raw, JSON)

case("draft name of 5 MB", "POST", "/api/drafts", 400, None, JSON, "invalid_field",
     body_repeat={"before": '{"name":"', "text": "a", "times": 5_000_000, "after": '"}'})
case("password of 1 MB", "POST", "/api/session", 400, None, JSON, "invalid_field",
     body_repeat={"before": '{"login":"admin","password":"', "text": "p", "times": 1 << 20, "after": '"}'})

case("plan split with a band of 1-1 explains the band", "POST", "/api/plan/split", 400,
     json.dumps({"code": "610581001001001", "min": 1, "max": 1}), JSON, "cannot_split",
     contains="420 households in parts of 1–1 would need 420 parts")

# --- sessions -------------------------------------------------------------------------------
for name, raw, status in [
    ("login without a password", json.dumps({"login": "admin"}), 400),
    ("login with a numeric password", json.dumps({"login": "admin", "password": 1234567890}), 400),
    ("login of 65 characters", json.dumps({"login": "a" * 65, "password": "x" * 12}), 400),
    ("login SQL", json.dumps({"login": "admin' --", "password": "x" * 12}), 401),
    ("unknown login", json.dumps({"login": "nobody", "password": "x" * 12}), 401),
    ("login body an array", "[]", 400),
    ("login with an extra field", json.dumps({"login": "admin", "password": "x" * 12, "role": "admin"}), 400),
]:
    case(name, "POST", "/api/session", status, raw, JSON)

# --- calendar -------------------------------------------------------------------------------
for name, raw, status in [
    ("calendar body empty object", "{}", 400),
    ("calendar day with a bad date", json.dumps({"days": [{"date": "2026-02-30", "kind": "holiday"}]}), 400),
    ("calendar day with an unknown kind", json.dumps({"days": [{"date": "2026-10-01", "kind": "party"}]}), 400),
    ("calendar day name over 100 characters", json.dumps({"days": [{"date": "2026-10-01", "kind": "holiday", "name": "节" * 101}]}), 400),
    ("calendar limit in fortnights", json.dumps({"limits": [{"category": "e_environment", "urgency": "normal", "unit": "fortnights", "amount": 1}]}), 400),
    ("calendar limit with a negative amount", json.dumps({"limits": [{"category": "e_environment", "urgency": "normal", "unit": "working_days", "amount": -1}]}), 400),
    ("calendar limit for an unknown category", json.dumps({"limits": [{"category": "x", "urgency": "normal", "unit": "working_days", "amount": 1}]}), 400),
]:
    case(name, "PUT", "/api/calendar", status, raw, JSON)

# --- case transitions -----------------------------------------------------------------------
for name, path, raw, status in [
    ("transition of a missing case", "/api/incidents/999999/transitions", json.dumps({"action": "register", "version": 1}), 404),
    ("transition with an unknown action", "/api/incidents/1/transitions", json.dumps({"action": "vanish", "version": 1}), 400),
    ("transition of a non-numeric case", "/api/incidents/abc/transitions", json.dumps({"action": "register"}), 400),
    ("transition note over 2000 characters", "/api/incidents/1/transitions", json.dumps({"action": "register", "version": 1, "note": "注" * 2001}), 400),
    ("transition body not JSON", "/api/incidents/1/transitions", "action=register", 400),
    ("transition with a version of -1", "/api/incidents/1/transitions", json.dumps({"action": "register", "version": -1}), 409),
]:
    case(name, "POST", path, status, raw, JSON)

# Paths as a client must send them: spaces, quotes and non-ASCII percent-encoded.
for c in cases:
    c["path"] = urllib.parse.quote(c["path"], safe="/?&=,%:+.-_~*!$()")

names = [c["name"] for c in cases]
assert len(names) == len(set(names)), "case names are unique"
with OUT.open("w", encoding="utf-8") as f:
    for c in cases:
        f.write(json.dumps(c, ensure_ascii=False) + "\n")
print(f"{len(cases)} cases written to {OUT}")
