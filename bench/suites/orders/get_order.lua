-- wrk script: GET /api/v1/orders/{id}, going round the orders listed in ORDER_IDS_FILE (one id per
-- line), each thread from its own place in the list. Environment: ORDER_TOKEN, ORDER_IDS_FILE.
local token = os.getenv("ORDER_TOKEN")
local ids = {}
local next_index = 1
local threads = {}

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(os.getenv("ORDER_IDS_FILE")) do
    if #line > 0 then table.insert(ids, line) end
  end
  assert(#ids > 0, "ORDER_IDS_FILE lists no order")
  next_index = ((thread_id or 1) - 1) * 7919 % #ids + 1
end

function request()
  local id = ids[next_index]
  next_index = next_index % #ids + 1
  return wrk.format("GET", "/api/v1/orders/" .. id, { ["Authorization"] = "Bearer " .. token })
end
