-- SPDX-License-Identifier: BSD-3-Clause
-- Checks lib/mgw.lua's rate search and settings against a simulated gateway, with plain lua5.4 (tests/perf).
package.path = (arg[0]:match("^(.*/)") or "./") .. "?.lua;" .. package.path
local mgw = require("mgw")
local failures = 0
local function check(cond, what)
  if not cond then
    failures = failures + 1
    print("FAIL: " .. what)
  end
end

-- A gateway that forwards everything up to @limit % and drops what is above it.
local function dut(limit)
  return function(pct)
    local sent = 1000000
    local got = pct <= limit and sent or math.floor(sent * limit / pct)
    return {tx = sent, rx = got}
  end
end

-- Numbered cases: {case, limit %, resolution, expected best within resolution}.
local cases = {
  {1, 100, 0.1, 100},     -- no loss at the top: one trial
  {2, 72.4, 0.1, 72.4},
  {3, 37.77, 0.1, 37.77},
  {4, 0.05, 0.1, 0},      -- loses at every rate tried: 0
  {5, 98, 1, 98},
}
for _, c in ipairs(cases) do
  local best, trials = mgw.search(dut(c[2]), 100, c[3], 32, 0)
  check(best <= c[2] + 1e-9, "case " .. c[1] .. ": best " .. best .. " above the limit " .. c[2])
  check(c[4] - best <= c[3] + 1e-9, "case " .. c[1] .. ": best " .. best .. " too far below " .. c[4])
  check(#trials <= 32, "case " .. c[1] .. ": " .. #trials .. " trials")
end
local _, one = mgw.search(dut(100), 100, 0.1, 32, 0)
check(#one == 1, "a lossless top rate takes one trial")

-- Loss tolerance: 1e-3 accepted.
local best = mgw.search(function(pct) return {tx = 1000, rx = pct <= 50 and 1000 or 999} end, 100, 0.1, 32, 1e-3)
check(best == 100, "loss within MGW_LOSS passes (got " .. best .. ")")

-- The protected side's wire limit: 64-octet frames grow to 96.
check(math.abs(mgw.wire_limit_pct("protect", 64) - 100 * 84 / 116) < 1e-9, "wire limit at 64")
check(mgw.wire_limit_pct("validate", 64) == 100, "no wire limit for validate")
check(math.abs(mgw.mean_size("imix") - (7 * 64 + 4 * 594 + 1518) / 12) < 1e-9, "IMIX mean")

-- Settings from an environment.
local env = {MGW_MODE = "validate", MGW_SIZE = "1518", MGW_TRIAL_S = "2"}
local s = mgw.settings(function(k) return env[k] end)
check(s.tx == "1" and s.rx == "0", "validate sends on port 1, receives on 0")
check(s.sizes[1] == 1518 and #s.sizes == 1, "validate: one size, the capture's")
check(s.trial_ms == 2000, "MGW_TRIAL_S")
local p = mgw.settings(function() return nil end)
check(p.mode == "protect" and #p.sizes == 8 and p.sizes[8] == "imix" and p.tx == "0", "defaults")
check(not pcall(mgw.settings, function(k) return k == "MGW_MODE" and "both" or nil end), "bad mode refused")
check(mgw.csv_row("protect", 64, {pct = 50, tx = 10, rx = 9}, 1, false):match("^protect,64,50.000,"),
  "csv row")

if failures > 0 then
  os.exit(1)
end
print("PASS mgw.lua selftest")
