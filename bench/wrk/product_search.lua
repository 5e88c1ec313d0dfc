-- A search page: accent-insensitive text query, sorted, one page of 20.
package.path = package.path .. ";" .. debug.getinfo(1, "S").source:match("@(.*/)") .. "?.lua"
local report = require("report")
local queries = { "cafe", "the", "iphone", "veste", "chocolat", "lampe", "velo", "miel" }
local i = 0

request = function()
  i = i % #queries + 1
  return wrk.format("GET", "/api/v1/products?q=" .. queries[i] .. "&sort=price_cents&per_page=20",
    { ["X-API-Key"] = os.getenv("BENCH_API_KEY") or "" })
end

done = report.done
