-- GET /api/v1/products/{id} over the 18 demo products.
package.path = package.path .. ";" .. debug.getinfo(1, "S").source:match("@(.*/)") .. "?.lua"
local report = require("report")
local id = 0

request = function()
  id = id % 18 + 1
  return wrk.format("GET", "/api/v1/products/" .. id, { ["X-API-Key"] = os.getenv("BENCH_API_KEY") or "" })
end

done = report.done
