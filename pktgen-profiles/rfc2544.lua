-- SPDX-License-Identifier: BSD-3-Clause
-- RFC 2544 throughput through macsec-gw with pktgen-dpdk: per frame size, a binary search of the rate by loss, then a confirmation trial.
--
-- Run from this directory (README.md has the cabling and the EAL lines):
--   MGW_MODE=protect  pktgen ... -- -P -m "[1:2].0, [3:4].1" -f rfc2544.lua
--   MGW_MODE=validate MGW_SIZE=64 pktgen ... -s 1:pcaps/macsec-64.pcap -f rfc2544.lua
-- Settings (environment): MGW_SIZES, MGW_TRIAL_S (10), MGW_CONFIRM_S (60), MGW_LOSS (0),
-- MGW_RESOLUTION (0.1 %), MGW_SETTLE_MS (500), MGW_OUT (rfc2544-results.csv, appended).

local here = (debug.getinfo(1, "S").source:match("^@(.*/)")) or "./"
package.path = here .. "lib/?.lua;" .. package.path
local mgw = require("mgw")

local cfg = mgw.settings(os.getenv)
local tx, rx = cfg.tx, cfg.rx

local function port_stats(port)
  return pktgen.portStats(port, "port")[tonumber(port)]
end

-- Clear UDP frames: one size, or the IMIX cycle as a 12-frame sequence.
local function setup_protect(size)
  pktgen.set(tx, "count", 0)
  pktgen.set(tx, "burst", 32)
  pktgen.set_type(tx, "ipv4")
  pktgen.set_proto(tx, "udp")
  pktgen.set_ipaddr(tx, "src", "192.0.2.1/24")
  pktgen.set_ipaddr(tx, "dst", "192.0.2.2")
  pktgen.set_mac(tx, "src", "02:00:00:00:aa:01")
  pktgen.set_mac(tx, "dst", "02:00:00:00:bb:01")
  pktgen.pcap(tx, "disable")
  if size == "imix" then
    for i, s in ipairs(mgw.IMIX) do
      pktgen.seqTable(i - 1, tx, {
        eth_dst_addr = "02:00:00:00:bb:01", eth_src_addr = "02:00:00:00:aa:01",
        ip_dst_addr = "192.0.2.2", ip_src_addr = "192.0.2.1/24",
        sport = 4000, dport = 5000, ethType = "ipv4", ipProto = "udp",
        vlanid = 1, pktSize = s - 4, gtpu_teid = 0,   -- the sequence table's size has no FCS
      })
    end
    pktgen.set(tx, "seq_cnt", #mgw.IMIX)
  else
    pktgen.set(tx, "seq_cnt", 0)
    pktgen.set(tx, "size", size)
  end
end

-- The capture given with -s TX:FILE, looped.
local function setup_validate()
  pktgen.set(tx, "count", 0)
  pktgen.set(tx, "burst", 32)
  pktgen.pcap(tx, "enable")
end

-- One trial: clear the counters, send at @pct % for @ms, wait for the last frames, count.
local function trial(pct, ms)
  pktgen.clr()
  pktgen.delay(200)
  pktgen.set(tx, "rate", pct)
  pktgen.start(tx)
  pktgen.delay(ms)
  pktgen.stop(tx)
  pktgen.delay(cfg.settle_ms)
  local t = {tx = port_stats(tx).opackets, rx = port_stats(rx).ipackets}
  print(string.format("  %s %s: %.3f %% for %.0f s: sent %d, received %d, loss %.6f",
    cfg.mode, "trial", pct, ms / 1000, t.tx, t.rx, mgw.loss_ratio(t)))
  return t
end

local function main()
  local new = io.open(cfg.out, "r") == nil
  local out = assert(io.open(cfg.out, "a"))
  if new then out:write(mgw.CSV_HEADER, "\n") end
  pktgen.process("all", "disable")
  for _, size in ipairs(cfg.sizes) do
    if cfg.mode == "protect" then setup_protect(size) else setup_validate() end
    -- Warm-up: ARP-free L2 path, caches and the gateway's rings.
    trial(1, 1000)
    local top = math.floor(mgw.wire_limit_pct(cfg.mode, size) * 10) / 10
    local best, trials = mgw.search(function(pct) return trial(pct, cfg.trial_ms) end,
      top, cfg.resolution, cfg.max_trials, cfg.loss)
    for _, t in ipairs(trials) do
      out:write(mgw.csv_row(cfg.mode, size, t, cfg.trial_ms / 1000, false), "\n")
    end
    if best > 0 then
      local c = trial(best, cfg.confirm_ms)
      c.pct = best
      local ok = mgw.loss_ratio(c) <= cfg.loss
      out:write(mgw.csv_row(cfg.mode, size, c, cfg.confirm_ms / 1000, ok), "\n")
      print(string.format("%s %s: throughput %.3f %% of line rate (wire limit %.2f %%), %s",
        cfg.mode, tostring(size), best, mgw.wire_limit_pct(cfg.mode, size),
        ok and "confirmed" or "NOT confirmed over the confirmation trial"))
    else
      print(string.format("%s %s: loss even at the lowest rate tried", cfg.mode, tostring(size)))
    end
    out:flush()
  end
  out:close()
end

main()
