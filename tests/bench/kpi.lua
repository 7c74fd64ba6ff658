-- wrk script for P6a: GET /api/stats/kpis?level=3, the KPI table of every level-3 grid over
-- every case, as the street leader's page asks for it.
local headers = {}
if os.getenv("GRIDD_TOKEN") then headers["Authorization"] = "Bearer " .. os.getenv("GRIDD_TOKEN") end
local req = wrk.format("GET", "/api/stats/kpis?level=3", headers)

function request()
  return req
end

dofile("tests/bench/summary.lua")
