-- wrk script for P6b: POST /api/incidents/{id}/transitions, registering (立案) one newly
-- reported case per request — each a durable transaction of the case's new state, its
-- history line and its audit line. Case ids come from the window [CASE_FIRST, CASE_FIRST +
-- CASE_COUNT) run.sh hands each round (cases P3b reported, all still `reported`); thread i
-- of WRK_THREADS takes ids i, i + WRK_THREADS, … of it, so no case is registered twice and
-- any refusal (a 409) shows up as an error that stops the run.
local headers = { ["Content-Type"] = "application/json" }
if os.getenv("GRIDD_TOKEN") then headers["Authorization"] = "Bearer " .. os.getenv("GRIDD_TOKEN") end
local first = tonumber(os.getenv("CASE_FIRST") or "1")
local count = tonumber(os.getenv("CASE_COUNT") or "0")
local nthreads = tonumber(os.getenv("WRK_THREADS") or "2")
local body = '{"action":"register","version":1,"note":"bench"}'

local made = 0
function setup(thread)
  thread:set("index", made)
  made = made + 1
end

local n = 0
function request()
  local k = index + n * nthreads
  n = n + 1
  if k >= count then
    -- Out of cases: ask for one that cannot exist, which counts as an error.
    return wrk.format("POST", "/api/incidents/0/transitions", headers, body)
  end
  return wrk.format("POST", "/api/incidents/" .. (first + k) .. "/transitions", headers, body)
end

dofile("tests/bench/summary.lua")
