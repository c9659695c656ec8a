-- Paced wrk load for "p99 at half the peak rate" and the RSS soak (driven by bench/load/paced.mjs).
--
-- usage: wrk -t1 -cN -d10s --latency -s paced.lua URL -- MEAN_DELAY_MS [BODY_BYTES]
--
-- After each response a connection waits an exponentially distributed time with mean
-- MEAN_DELAY_MS before its next request. Summed over N connections whose waits dwarf the
-- response time, the arrivals approach a Poisson stream at N / MEAN_DELAY_MS requests per ms,
-- instead of the lockstep bursts of fixed per-client timers. wrk counts latency from the write
-- of a request, so the wait is not part of it.
--
-- wrk's delay() is in whole milliseconds: each wait is rounded up or down at random, in
-- proportion to its fraction, so the mean stays MEAN_DELAY_MS even when it is only 1–2 ms.

local counter = 0

-- Runs once per thread in the main Lua state: gives each thread its own random seed.
function setup(thread)
   counter = counter + 1
   thread:set("thread_index", counter)
end

local mean_ms = 0

function init(args)
   mean_ms = tonumber(args[1]) or 0
   local body_bytes = tonumber(args[2]) or 0
   math.randomseed(os.time() * 1000 + (thread_index or 0) * 7919)
   -- Throw away the first draws: LuaJIT's first values after seeding are poorly spread.
   for _ = 1, 10 do math.random() end
   if body_bytes > 0 then
      wrk.method = "POST"
      wrk.body = string.rep("x", body_bytes)
      wrk.headers["Content-Type"] = "application/octet-stream"
   end
end

function delay()
   if mean_ms <= 0 then return 0 end
   local wait = -mean_ms * math.log(1 - math.random())
   return math.floor(wait + math.random())
end
