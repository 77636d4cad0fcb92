-- wrk script for bench/run soak: a mixed workload, paced.
-- Environment: LOAD_TOKEN (a customer's token), LOAD_BODY (an order to place: POST /orders
-- with a unique Idempotency-Key), LOAD_DELAY_MS (mean think time per connection; 0: closed
-- loop). Mix: 60 % GET /api/v1/users/me, 20 % POST /api/v1/orders, 20 % a catalog search.
local token = os.getenv("LOAD_TOKEN") or ""
local body = os.getenv("LOAD_BODY") or ""
local pace = tonumber(os.getenv("LOAD_DELAY_MS") or "0")
local threads = {}

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

local counter = 0

function init(args)
  thread_id = thread_id or 0
  math.randomseed(os.time() + thread_id * 7919)
  run_id = tostring(math.random(1, 2147483647))
end

function request()
  counter = counter + 1
  local pick = counter % 10
  local headers = { ["Authorization"] = "Bearer " .. token }
  if pick < 2 then
    headers["Content-Type"] = "application/json"
    headers["Idempotency-Key"] = "soak-" .. run_id .. "-" .. tostring(thread_id) .. "-" .. tostring(counter)
    return wrk.format("POST", "/api/v1/orders", headers, body)
  elseif pick < 4 then
    return wrk.format("GET", "/api/v1/catalog/merchants?lat=48.8566&lng=2.3522", headers)
  end
  return wrk.format("GET", "/api/v1/users/me", headers)
end

if pace > 0 then
  function delay()
    return math.floor(math.min(-pace * math.log(1 - math.random()), 10 * pace))
  end
end
