-- wrk script for scripts/bench.sh: every request POSTs the same multipart/form-data upload.
--
-- The body is built beforehand by `bench.py payload`, byte for byte as `curl -F` builds it;
-- this script only sends it. Settings come from the environment:
--   BENCH_BODY      path of the prebuilt request body
--   BENCH_BOUNDARY  its multipart boundary
--   BENCH_TOKEN     bearer token, BENCH_CLIENT  client-id (both from the generated fixture)
-- wrk adds Host and Content-Length itself.

local function env(name)
  return assert(os.getenv(name), name .. " is not set")
end

local file = assert(io.open(env("BENCH_BODY"), "rb"))
local body = file:read("*a")
file:close()

wrk.method = "POST"
wrk.body = body
wrk.headers["Authorization"] = "Bearer " .. env("BENCH_TOKEN")
wrk.headers["client-id"] = env("BENCH_CLIENT")
wrk.headers["Content-Type"] = "multipart/form-data; boundary=" .. env("BENCH_BOUNDARY")
wrk.headers["Accept"] = "*/*"

-- One line for bench.sh: WRK_RESULT requests duration_us non2xx socket_errors timeouts p50_us
-- p99_us body_bytes. `non2xx` is wrk's count of answers with status 400 or more; a 1xx/3xx would
-- slip past it, but not past bench.sh's check of one stored file per answer.
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK_RESULT %d %d %d %d %d %d %d %d\n",
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write, e.timeout,
    latency:percentile(50), latency:percentile(99), #body))
end
