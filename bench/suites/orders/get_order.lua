-- wrk script: GET /api/v1/orders/{id}, going round the orders listed in ORDER_IDS_FILE (one id per
-- line), each thread from its own place in the list. Environment: ORDER_TOKEN, ORDER_IDS_FILE.
local token = os.getenv("ORDER_TOKEN")
local requests = {}  -- formatted once: wrk spends its time sending, not building strings
local next_index = 1
local threads = {}

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  local headers = { ["Authorization"] = "Bearer " .. token }
  for line in io.lines(os.getenv("ORDER_IDS_FILE")) do
    if #line > 0 then table.insert(requests, wrk.format("GET", "/api/v1/orders/" .. line, headers)) end
  end
  assert(#requests > 0, "ORDER_IDS_FILE lists no order")
  next_index = ((thread_id or 1) - 1) * 7919 % #requests + 1
end

function request()
  local r = requests[next_index]
  next_index = next_index % #requests + 1
  return r
end
