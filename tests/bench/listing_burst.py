#!/usr/bin/env python3
"""A burst of large incident listings against a running server (the hostile-clients issue,
expensive lists): CLIENTS clients at once each read ROWS incidents — in one request with
`limit=ROWS` (a server before paging), or page by page following `next` (a server with
pages) — while /api/health is asked every 100 ms. Prints each client's time, the health
check's worst latency, and the server's resident memory before, at its peak, and 5 s after.

    tests/bench/listing_burst.py --port 8080 --pid PID --token TOKEN [--clients 25] [--rows 50000]
"""

import argparse
import http.client
import re
import threading
import time


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def get(port, path, token, timeout=300):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    c.request("GET", path, headers={"Authorization": f"Bearer {token}"})
    r = c.getresponse()
    body = r.read()
    c.close()
    return r.status, body


def read_all(port, token, rows, out, i):
    started = time.monotonic()
    path = f"/api/incidents?limit={rows}"
    got, statuses, nbytes = 0, [], 0
    while path and got < rows:
        status, body = get(port, path, token)
        statuses.append(status)
        nbytes += len(body)
        if status != 200:
            # Busy: try the same page again shortly, as a client told 503 should.
            time.sleep(1)
            continue
        # Only the page's head is read (`numberReturned`, `next`): parsing 25 MB of JSON
        # per client in Python would load the machine more than the server does.
        head = body[:400]
        n = re.search(rb'"numberReturned":(\d+)', head)
        got += int(n.group(1)) if n else body.count(b'"type":"Feature"')
        nxt = re.search(rb'"next":"([^"]+)"', head)
        path = nxt.group(1).decode() if nxt else None
    out[i] = (time.monotonic() - started, got, statuses.count(503), nbytes)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--token", required=True)
    ap.add_argument("--clients", type=int, default=25)
    ap.add_argument("--rows", type=int, default=50000)
    a = ap.parse_args()

    get(a.port, "/api/health", a.token)
    before = rss_mib(a.pid)
    peak = [before]
    health = []
    done = threading.Event()

    def watch():
        while not done.is_set():
            peak[0] = max(peak[0], rss_mib(a.pid))
            t = time.monotonic()
            try:
                status, _ = get(a.port, "/api/health", a.token, timeout=120)
            except OSError:
                status = 0
            health.append((time.monotonic() - t, status))
            time.sleep(0.1)

    watcher = threading.Thread(target=watch)
    watcher.start()
    out = [None] * a.clients
    started = time.monotonic()
    clients = [threading.Thread(target=read_all, args=(a.port, a.token, a.rows, out, i)) for i in range(a.clients)]
    for c in clients:
        c.start()
    for c in clients:
        c.join()
    burst = time.monotonic() - started
    done.set()
    watcher.join()
    time.sleep(5)
    after = rss_mib(a.pid)
    times = sorted(o[0] for o in out)
    print(f"clients {a.clients} x {a.rows} rows: all done in {burst:.1f} s; per client min {times[0]:.1f} s, "
          f"median {times[len(times) // 2]:.1f} s, max {times[-1]:.1f} s; rows read {sum(o[1] for o in out)}; "
          f"503 answers {sum(o[2] for o in out)}; bytes {sum(o[3] for o in out) / 1e6:.0f} MB")
    worst = max(health, default=(0, 0))
    print(f"health during the burst: {len(health)} checks, worst {worst[0] * 1000:.0f} ms, "
          f"median {sorted(h[0] for h in health)[len(health) // 2] * 1000:.0f} ms, not 200: {sum(1 for h in health if h[1] != 200)}")
    print(f"resident memory: before {before:.0f} MiB, peak {peak[0]:.0f} MiB, 5 s after {after:.0f} MiB")


if __name__ == "__main__":
    main()
