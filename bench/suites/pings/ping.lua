-- wrk script: location pings of many drivers over keep-alive connections, each request from the
-- next driver of the thread's turn, with a position near Paris and recorded_at = now.
-- Environment: PING_TOKENS_FILE (one access token per line), PING_METHOD and PING_PATH
-- (PUT /api/v1/deliveries/drivers/me/location by default; the baseline sends the same body to
-- another route).
local tokens_file = os.getenv("PING_TOKENS_FILE")
local method = os.getenv("PING_METHOD") or "PUT"
local path = os.getenv("PING_PATH") or "/api/v1/deliveries/drivers/me/location"
local threads = {}

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  thread_id = thread_id or 0  -- set per thread by setup() (a global of that thread's Lua state)
  tokens = {}
  for line in io.lines(tokens_file) do
    if #line > 0 then table.insert(tokens, "Bearer " .. line) end
  end
  turn = thread_id  -- threads start at different drivers
  math.randomseed(os.time() + thread_id)
end

function request()
  turn = turn % #tokens + 1
  local body = string.format(
    '{"lat":%.6f,"lng":%.6f,"accuracy_m":5.0,"heading":%.1f,"speed_mps":4.2,"recorded_at":"%s"}',
    48.8566 + (math.random() - 0.5) * 0.02, 2.3522 + (math.random() - 0.5) * 0.03, math.random() * 359,
    os.date("!%Y-%m-%dT%H:%M:%SZ"))
  local headers = { ["Content-Type"] = "application/json", ["Authorization"] = tokens[turn] }
  return wrk.format(method, path, headers, body)
end
