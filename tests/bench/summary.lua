-- The one line each wrk script prints at the end (`dofile`d by them; wrk runs from the
-- repository root) and tests/bench/run.sh reads: latencies in microseconds; wrk counts any
-- status >= 400 in non2xx.
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK requests=%d duration_us=%d rps=%.1f p50_us=%d p90_us=%d p99_us=%d mean_us=%.1f "
      .. "non2xx=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean,
    e.status, e.connect, e.read, e.write, e.timeout))
end
