-- wrk script for P2: GET /api/locate at a different random point of the sample city's
-- bounding box on every request (WGS84, 1e-7° steps like the pgbench script). Each thread
-- formats 4,096 requests up front and cycles through them, so wrk spends its CPU on
-- sending, not on string formatting: it shares the cores with the server it measures.
local min_lng, max_lng = 110.36, 110.52
local min_lat, max_lat = 35.41, 35.53
local POOL = 4096
-- Every request carries the admin token run.sh made (authentication is on, as in service).
local headers = {}
if os.getenv("GRIDD_TOKEN") then headers["Authorization"] = "Bearer " .. os.getenv("GRIDD_TOKEN") end

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("seed", threads)
end

local pool, next_request = {}, 0
function init(args)
  math.randomseed(1000003 * (seed or 1) + os.time())
  for i = 1, POOL do
    local lng = min_lng + math.random() * (max_lng - min_lng)
    local lat = min_lat + math.random() * (max_lat - min_lat)
    pool[i] = wrk.format("GET", string.format("/api/locate?lng=%.7f&lat=%.7f", lng, lat), headers)
  end
end

function request()
  next_request = next_request % POOL + 1
  return pool[next_request]
end

dofile("tests/bench/summary.lua")
