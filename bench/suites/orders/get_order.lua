-- wrk script: GET /api/v1/orders/{id}, going round the orders listed in ORDER_IDS_FILE (one id per
-- line), each thread from a random place in the list. Environment: ORDER_TOKEN, ORDER_IDS_FILE.
local token = os.getenv("ORDER_TOKEN")
local requests = {}  -- formatted once: wrk spends its time sending, not building strings
local next_index = 1

function init(args)
  local headers = { ["Authorization"] = "Bearer " .. token }
  for line in io.lines(os.getenv("ORDER_IDS_FILE")) do
    if #line > 0 then table.insert(requests, wrk.format("GET", "/api/v1/orders/" .. line, headers)) end
  end
  assert(#requests > 0, "ORDER_IDS_FILE lists no order")
  -- Each thread has its own Lua state: the address of a fresh table tells them apart.
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 1000003)
  next_index = math.random(#requests)
end

function request()
  local r = requests[next_index]
  next_index = next_index % #requests + 1
  return r
end
