#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# scripts/bench.sh on a small plan: the end-to-end path works and every frame checks out (not a timing test).
#
#   mgw-traffic <==memif x4==> macsec-gw: link bench0 (GCM-AES-XPN-256) and link clear0 (no MACsec)
#
# Without hugepages (copy-mode memif, --no-huge), 0.2 s rows: about 15 s. bench.sh exits
# non-zero when a row has a bad frame or scapy refuses a sample; this test also wants every
# row present, every direction delivering and the latency runs there.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
OUT=$(mktemp /tmp/mgw-bench-smoke.XXXXXX)
trap 'rm -f "$OUT"' EXIT
cd "$ROOT"
BUILD=${BUILD:-build} SUITES=gcm-aes-xpn-256 SIZES=64,1514,imix SECONDS_PER_ROW=0.2 WARMUP=0.1 \
	LATENCY=0.5 LATENCY_SIZES=64 LATENCY_CONFIGS=gcm-aes-xpn-256 HUGEPAGES=0 PROFILE=0 REPEAT=1 \
	scripts/bench.sh --measure-only "$OUT"
/usr/bin/python3 - "$OUT" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
meta, rows = rows[0], rows[1:]
want = {(m, d, s) for m in ("clear", "macsec") for d in ("protect", "validate")
        for s in (64, 1514, "imix")}
got = {(r["mode"], r["dir"], r["size"]) for r in rows if r["load"] == "saturate"}
bad = [f"missing rows {sorted(map(str, want - got))}"] if want - got else []
# A row may deliver nothing on a machine busy enough to stall the gateway for a whole 0.2 s
# window; a direction that delivers nothing at any size is broken.
for m, d in {(m, d) for m, d, _ in want}:
    if not any(r["delivered"] for r in rows if (r["mode"], r["dir"]) == (m, d)):
        bad.append(f"{m} {d}: nothing delivered")
# Validate frames are sent in cycles of one protected set (mgw-traffic --resend-set): the
# gateway's replay window must let every repeat through, and the rows must say so.
if not meta.get("resend"):
    bad.append("bench.sh did not resend validate frame sets (RESEND=1 is its default)")
for r in rows:
    if r["mode"] == "macsec" and r["dir"] == "validate" and r.get("gw", {}).get("InPktsLate", 1):
        bad.append(f"validate {r['size']} {r['load']}: late frames {r.get('gw', {}).get('InPktsLate')}")
# The worker's load (busy cycles over the row's time) is in every row, a share of the time.
for r in rows:
    b = r.get("gw", {}).get("busy")
    if b is None or not 0 < b <= 1.05 or not r["gw"].get("busy_cycles", 0) > 0:
        bad.append(f"{r['mode']} {r['dir']} {r['size']} {r['load']}: worker busy {b}")
if not any(r["load"] == 0.5 and r.get("lat_samples") for r in rows):
    bad.append("no latency samples")
for b in bad:
    print("FAIL:", b)
sys.exit(1 if bad else 0)
PY
echo "PASS bench-smoke"
