-- wrk script: optional method/body/headers from the environment, JSON summary at the end.
local method = os.getenv("WRK_METHOD")
local body = os.getenv("WRK_BODY_FILE")
local cookie = os.getenv("WRK_COOKIE")
local auth = os.getenv("WRK_AUTH")
local ctype = os.getenv("WRK_CONTENT_TYPE")
if method then wrk.method = method end
if body then local f = io.open(body, "r"); wrk.body = f:read("*a"); f:close() end
if cookie then wrk.headers["Cookie"] = cookie end
if auth then wrk.headers["Authorization"] = auth end
if ctype then wrk.headers["Content-Type"] = ctype end

local statuses = {}
response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

done = function(summary, latency, requests)
  local s = {}
  for code, n in pairs(statuses) do s[#s + 1] = string.format('"%d": %d', code, n) end
  io.write(string.format(
    'WRKJSON {"requests": %d, "seconds": %.3f, "rps": %.2f, "p50_ms": %.3f, "p95_ms": %.3f, "p99_ms": %.3f, "errors": %d, "non2xx": %d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
