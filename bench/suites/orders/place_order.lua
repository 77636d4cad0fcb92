-- wrk script: POST /api/v1/orders with a unique Idempotency-Key per request.
-- Environment: ORDER_TOKEN, ORDER_BODY; ORDER_DELAY_MS (optional) paces each connection.
local counter = 0
local token = os.getenv("ORDER_TOKEN")
local body = os.getenv("ORDER_BODY")
local pace = tonumber(os.getenv("ORDER_DELAY_MS") or "0")
local threads = {}

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  thread_id = thread_id or 0  -- set per thread by setup() (a global of that thread's Lua state)
  math.randomseed(os.time() + thread_id)
  run_id = tostring(math.random(1, 2147483647))
end

function request()
  counter = counter + 1
  local headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
    ["Idempotency-Key"] = "bench-" .. run_id .. "-" .. tostring(thread_id) .. "-" .. tostring(counter),
  }
  return wrk.format("POST", "/api/v1/orders", headers, body)
end

-- Think times drawn from an exponential distribution of mean ORDER_DELAY_MS (as TPC-C's), so that
-- the connections act as independent clients. A fixed delay keeps them in step: all fifty answer,
-- wait, and send together, and the test then measures how long a burst of fifty takes to drain.
if pace > 0 then
  function delay()
    return math.floor(math.min(-pace * math.log(1 - math.random()), 10 * pace))
  end
end
