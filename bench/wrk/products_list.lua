-- The first page of the catalogue, as the shop's home page and the seed's load profiles ask for it.
package.path = package.path .. ";" .. debug.getinfo(1, "S").source:match("@(.*/)") .. "?.lua"
local report = require("report")

request = function()
  return wrk.format("GET", "/api/v1/products", { ["X-API-Key"] = "pos-test-automation-dev-key-2025" })
end

done = report.done
