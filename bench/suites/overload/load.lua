-- wrk script for bench/run overload and soak: one request shape, paced, optionally timed.
-- Environment:
--   LOAD_PATH      the path (GET unless LOAD_BODY is set)
--   LOAD_TOKEN     a bearer token (optional)
--   LOAD_BODY      a JSON body: the request is a POST with a unique Idempotency-Key
--   LOAD_DELAY_MS  mean think time after each answer, per connection (0: closed loop)
--   LOAD_RATE      instead of think times: requests per second this thread offers, open loop
--                  (Poisson arrivals handed to whichever connection is free; arrivals missed
--                  while every connection is busy are dropped after 100 ms, not burst later)
--   LOAD_SAMPLES   a file prefix: each thread appends "<status> <latency us>" per answer to
--                  <prefix>.<thread>. Exact only with one connection per thread (-tN -cN), as
--                  each thread then has one request outstanding at a time.
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } load_timespec;
  int clock_gettime(int clock, load_timespec* ts);
]]
local CLOCK_MONOTONIC = 1
local now_ts = ffi.new("load_timespec")
local function now_us()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, now_ts)
  return tonumber(now_ts.tv_sec) * 1000000 + tonumber(now_ts.tv_nsec) / 1000
end

local path = os.getenv("LOAD_PATH") or "/"
local token = os.getenv("LOAD_TOKEN") or ""
local body = os.getenv("LOAD_BODY") or ""
local pace = tonumber(os.getenv("LOAD_DELAY_MS") or "0")
local rate = tonumber(os.getenv("LOAD_RATE") or "0")
local samples_prefix = os.getenv("LOAD_SAMPLES") or ""
local threads = {}

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

local counter, sent_at, samples = 0, 0, nil

function init(args)
  thread_id = thread_id or 0
  math.randomseed(os.time() + thread_id * 7919)
  run_id = tostring(math.random(1, 2147483647))
  if samples_prefix ~= "" then
    samples = io.open(samples_prefix .. "." .. tostring(thread_id), "w")
    samples:setvbuf("full")
  end
end

-- A GET that is not timed is wrk's static request: no Lua per request, so that the load
-- generator, which shares the machine, spends as little as it can.
if token ~= "" then wrk.headers["Authorization"] = "Bearer " .. token end
wrk.path = path
local dynamic = body ~= "" or samples_prefix ~= ""

local function build_request()
  counter = counter + 1
  local headers = {}
  if token ~= "" then headers["Authorization"] = "Bearer " .. token end
  sent_at = now_us()
  if body ~= "" then
    headers["Content-Type"] = "application/json"
    headers["Idempotency-Key"] = "load-" .. run_id .. "-" .. tostring(thread_id) .. "-" .. tostring(counter)
    return wrk.format("POST", path, headers, body)
  end
  return wrk.format("GET", path, headers)
end
if dynamic then request = build_request end

-- Only a timed run reads its answers in Lua.
if samples_prefix ~= "" then
  function response(status, headers, body)
    samples:write(status, " ", math.floor(now_us() - sent_at), "\n")
    if counter % 256 == 0 then samples:flush() end
  end
end

-- Open loop: this thread's next arrival time, Poisson at `rate`; a free connection waits for it.
local next_at = nil
if rate > 0 then
  local mean_us = 1000000 / rate
  function delay()
    local now = now_us()
    if next_at == nil or next_at < now - 100000 then next_at = now end
    next_at = next_at - mean_us * math.log(1 - math.random())
    local wait_ms = (next_at - now) / 1000
    return wait_ms > 0 and math.floor(wait_ms) or 0
  end
-- Exponential think times (independent clients), capped at ten means.
elseif pace > 0 then
  function delay()
    return math.floor(math.min(-pace * math.log(1 - math.random()), 10 * pace))
  end
end
