-- wrk script for P3b: POST /api/incidents, one report per request, each at a different
-- random point of the sample city (half WGS84, half GCJ-02 as phone apps send), with a
-- category and channel drawn from short lists. Each thread formats 4,096 requests up front
-- and cycles through them, so wrk's own CPU use stays small beside the server's.
local min_lng, max_lng = 110.36, 110.52
local min_lat, max_lat = 35.41, 35.53
local categories = { "e_street_order", "e_environment", "c_traffic_facilities", "c_greenery", "e_other_events" }
local channels = { "patrol", "hotline_12345", "resident_app", "snapshot" }
local headers = { ["Content-Type"] = "application/json" }
-- Every request carries the admin token run.sh made (authentication is on, as in service).
if os.getenv("GRIDD_TOKEN") then headers["Authorization"] = "Bearer " .. os.getenv("GRIDD_TOKEN") end
local POOL = 4096

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("seed", threads)
end

local pool, next_request = {}, 0
function init(args)
  math.randomseed(7919 * (seed or 1) + os.time())
  for i = 1, POOL do
    local lng = min_lng + math.random() * (max_lng - min_lng)
    local lat = min_lat + math.random() * (max_lat - min_lat)
    local crs = (math.random() < 0.5) and "wgs84" or "gcj02"
    local body = string.format(
      '{"lng":%.6f,"lat":%.6f,"crs":"%s","category":"%s","description":"压测上报 bench report","channel":"%s"}',
      lng, lat, crs, categories[math.random(#categories)], channels[math.random(#channels)])
    pool[i] = wrk.format("POST", "/api/incidents", headers, body)
  end
end

function request()
  next_request = next_request % POOL + 1
  return pool[next_request]
end

dofile("tests/bench/summary.lua")
