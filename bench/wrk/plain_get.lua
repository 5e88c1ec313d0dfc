-- One GET with the demo API key (the gateway's key-auth needs it; the others ignore it).
package.path = package.path .. ";" .. debug.getinfo(1, "S").source:match("@(.*/)") .. "?.lua"
local report = require("report")

request = function()
  return wrk.format("GET", "/api/v1/products/9", { ["X-API-Key"] = "pos-test-automation-dev-key-2025" })
end

done = report.done
