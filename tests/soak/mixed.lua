-- wrk script for `make soak`: a mix of what a city's users ask, drawn at random per request:
-- 70% GET /api/locate at a random point of the sample city, 20% density tiles (zooms 12-16
-- around the centre), 9% POST /api/incidents (new reports), 1% case transitions (立案 of a
-- case loaded before the run and still waiting: CASES_FILE lists their ids, thread i takes
-- the i-th, (i + threads)-th, … so no case is registered twice and a 409 would count as an
-- error). Requests are formatted up front (4,096 per thread) so wrk spends its CPU on
-- sending.
local min_lng, max_lng = 110.36, 110.52
local min_lat, max_lat = 35.41, 35.53
local categories = { "e_street_order", "e_environment", "c_traffic_facilities", "c_greenery" }
local headers = { ["Content-Type"] = "application/json" }
if os.getenv("GRIDD_TOKEN") then headers["Authorization"] = "Bearer " .. os.getenv("GRIDD_TOKEN") end
local nthreads = tonumber(os.getenv("WRK_THREADS") or "2")
local POOL = 4096

local made = 0
function setup(thread)
  thread:set("index", made)
  made = made + 1
end

local function tile(z)
  local n = 2 ^ z
  local lng = 110.44 + (math.random() - 0.5) * 0.08
  local lat = 35.47 + (math.random() - 0.5) * 0.06
  local x = math.floor((lng + 180) / 360 * n)
  local r = math.rad(lat)
  local y = math.floor((1 - math.log(math.tan(r) + 1 / math.cos(r)) / math.pi) / 2 * n)
  return string.format("/tiles/density/%d/%d/%d.mvt", z, x, y)
end

local pool, at, cases, ids = {}, 0, 0, {}
function init(args)
  local list = os.getenv("CASES_FILE")
  if list then
    local i = 0
    for line in io.lines(list) do
      if i % nthreads == index then ids[#ids + 1] = line end
      i = i + 1
    end
  end
  math.randomseed(104729 * (index + 1) + os.time())
  for i = 1, POOL do
    local r = math.random()
    local lng = min_lng + math.random() * (max_lng - min_lng)
    local lat = min_lat + math.random() * (max_lat - min_lat)
    if r < 0.70 then
      pool[i] = wrk.format("GET", string.format("/api/locate?lng=%.7f&lat=%.7f", lng, lat), headers)
    elseif r < 0.90 then
      pool[i] = wrk.format("GET", tile(math.random(12, 16)), headers)
    elseif r < 0.99 then
      local body = string.format(
        '{"lng":%.6f,"lat":%.6f,"category":"%s","description":"持续压测上报 soak report"}',
        lng, lat, categories[math.random(#categories)])
      pool[i] = wrk.format("POST", "/api/incidents", headers, body)
    else
      pool[i] = false -- a transition, made when it is sent (each case once)
    end
  end
end

function request()
  at = at % POOL + 1
  local req = pool[at]
  if req then return req end
  cases = cases + 1
  -- Out of cases: one that cannot exist, which counts as an error.
  local id = ids[cases] or "0"
  return wrk.format("POST", "/api/incidents/" .. id .. "/transitions", headers,
    '{"action":"register","version":1,"note":"soak"}')
end

dofile("tests/bench/summary.lua")
