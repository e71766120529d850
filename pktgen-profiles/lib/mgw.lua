-- SPDX-License-Identifier: BSD-3-Clause
-- Helpers for rfc2544.lua: settings from the environment, the RFC 2544 rate search, result rows (no pktgen calls: plain Lua can test them).
local M = {}

-- IMIX 7:4:1 of 64/594/1518 octets (with FCS), spread as a 12-frame cycle.
M.IMIX = {64, 594, 64, 64, 1518, 64, 594, 64, 64, 594, 64, 594}
-- Preamble, start delimiter and inter-frame gap: what a frame costs on the wire beyond its octets.
M.WIRE_OVERHEAD = 20
-- What protection adds to a frame with the SCI in the SecTAG (16) and the ICV (16).
M.MACSEC_GROWTH = 32

local function split(s)
  local t = {}
  for item in string.gmatch(s, "[^,%s]+") do
    t[#t + 1] = tonumber(item) or item
  end
  return t
end

-- Settings: MGW_* environment variables (see README.md), through @getenv (os.getenv in pktgen).
function M.settings(getenv)
  local function get(name, default)
    local v = getenv(name)
    if v == nil or v == "" then return default end
    return v
  end
  local s = {
    mode = get("MGW_MODE", "protect"),             -- protect | validate
    sizes = split(get("MGW_SIZES", "64,128,256,512,1024,1280,1518,imix")),
    trial_ms = tonumber(get("MGW_TRIAL_S", "10")) * 1000,
    confirm_ms = tonumber(get("MGW_CONFIRM_S", "60")) * 1000,
    settle_ms = tonumber(get("MGW_SETTLE_MS", "500")),
    loss = tonumber(get("MGW_LOSS", "0")),         -- acceptable loss ratio per trial
    resolution = tonumber(get("MGW_RESOLUTION", "0.1")),  -- percent of line rate
    max_trials = tonumber(get("MGW_MAX_TRIALS", "16")),
    out = get("MGW_OUT", "rfc2544-results.csv"),
  }
  if s.mode ~= "protect" and s.mode ~= "validate" then
    error("MGW_MODE must be protect or validate, not " .. tostring(s.mode))
  end
  -- pktgen port 0 faces the gateway's plain port, port 1 its protected port.
  s.tx = get("MGW_TX_PORT", s.mode == "protect" and "0" or "1")
  s.rx = get("MGW_RX_PORT", s.mode == "protect" and "1" or "0")
  if s.mode == "validate" then
    -- One capture per pktgen run (-s 1:FILE): its size is a label only.
    local v = get("MGW_SIZE", "pcap")
    s.sizes = {tonumber(v) or v}
  end
  return s
end

-- Mean frame octets (with FCS) of a size entry.
function M.mean_size(size)
  if size ~= "imix" then return size end
  local sum = 0
  for _, v in ipairs(M.IMIX) do sum = sum + v end
  return sum / #M.IMIX
end

-- The highest offered load (percent of line rate) the far side's wire can carry. Protect:
-- each frame leaves 32 octets longer on a link of the same speed, so at most
-- (size + 20) / (size + 52) of line rate gets through without loss; validate: 100.
function M.wire_limit_pct(mode, size)
  if mode ~= "protect" then return 100 end
  local s = M.mean_size(size)
  return 100 * (s + M.WIRE_OVERHEAD) / (s + M.WIRE_OVERHEAD + M.MACSEC_GROWTH)
end

-- Loss ratio of a trial {tx = frames sent, rx = frames received}.
function M.loss_ratio(t)
  if t.tx <= 0 then return 1 end
  local lost = t.tx - t.rx
  if lost < 0 then lost = 0 end
  return lost / t.tx
end

--[[
RFC 2544 26.1 throughput: the highest rate at which no frame (or at most the accepted loss
ratio) is lost. @trial(pct) runs one trial and returns {tx, rx}. First the full rate; if it
loses frames, a binary search between a passing and a failing rate until they are within
@resolution percent, or @max_trials trials. Returns the best passing rate (0 if none) and the
list of trials {pct, tx, rx, pass}.
]]
function M.search(trial, top_pct, resolution, max_trials, loss_ok)
  local trials = {}
  local function run(pct)
    local t = trial(pct)
    t.pct = pct
    t.pass = M.loss_ratio(t) <= loss_ok
    trials[#trials + 1] = t
    return t.pass
  end
  if run(top_pct) then return top_pct, trials end
  local lo, hi = 0, top_pct
  while hi - lo > resolution and #trials < max_trials do
    local mid = (lo + hi) / 2
    if run(mid) then lo = mid else hi = mid end
  end
  return lo, trials
end

M.CSV_HEADER = "mode,size,rate_pct,wire_limit_pct,trial_s,frames_sent,frames_received,lost,"
  .. "loss_ratio,mpps,confirmed"

-- One CSV line for a trial @t of @mode and @size.
function M.csv_row(mode, size, t, trial_s, confirmed)
  local mpps = t.rx / trial_s / 1e6
  return string.format("%s,%s,%.3f,%.2f,%.1f,%d,%d,%d,%.9f,%.6f,%s", mode, tostring(size), t.pct,
    M.wire_limit_pct(mode, size), trial_s, t.tx, t.rx, math.max(t.tx - t.rx, 0), M.loss_ratio(t),
    mpps, confirmed and "yes" or "no")
end

return M
