#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Check scripts/bench.sh's sample frames with scapy, independently of lib/macsec.

  bench_check.py WORK GW_SCI PEER_SCI SALT    prints {suite: {"MODE-DIR-SIZE": {"ok", "frames", "why"}}}

For every row, mgw-traffic wrote the first frames it sent (MODE-DIR-SIZE-tx.pcap) and received
(MODE-DIR-SIZE-rx.pcap); WORK/configs lists the suites, one gateway each. MODE macsec:
  protect   rx frames are MACsec of the gateway's SA (its SCI, AN 0) and decrypt to the tx frames
  validate  tx frames (our MACsec, the peer's SA) decrypt to the rx frames the gateway delivered
MODE clear (the link without MACsec, the ceiling): rx frames are the tx frames, octet for octet.
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "system"))
from mgw_frames import decrypt_one, parse_sa  # noqa: E402
from scapy.all import rdpcap, raw  # noqa: E402


def key_for(suite, byte):
    return byte * (32 if suite.endswith("256") else 16)


def sa_spec(suite, key, sci, ssci, salt):
    s = f"{suite}:{key}:{sci}"
    if "xpn" in suite:
        s += f":{ssci:x}:{salt}"
    return s


def check_pair(macsec, sa, enc, clear):
    """enc: frames to decrypt (or compare), clear: what they must equal, in order."""
    if len(enc) == 0:
        return False, "no frames captured"
    if len(clear) != len(enc):
        return False, f"{len(enc)} frames sent vs {len(clear)} received"
    for i, (e, c) in enumerate(zip(enc, clear)):
        if macsec:
            d, why = decrypt_one(e, [sa])
            if d is None:
                return False, f"frame {i}: {why}"
        else:
            d = e
        if d != c:
            return False, f"frame {i}: differs from the expected clear frame"
    return True, ""


def main(work, gw_sci, peer_sci, salt):
    out = {}
    for line in open(os.path.join(work, "configs")):
        name = cs = line.split()[0]
        res = out.setdefault(name, {})
        d = os.path.join(work, f"pcap-{name}")
        for f in sorted(os.listdir(d)):
            if not f.endswith("-tx.pcap"):
                continue
            row = f[:-len("-tx.pcap")]
            mode, direction = row.split("-")[:2]
            tx = [raw(p) for p in rdpcap(os.path.join(d, f))]
            rxf = os.path.join(d, row + "-rx.pcap")
            rx = [raw(p) for p in rdpcap(rxf)] if os.path.exists(rxf) else []
            if mode == "clear":
                ok, why = check_pair(False, None, rx, tx)
            elif direction == "protect":
                sa = parse_sa(sa_spec(cs, key_for(cs, "1a"), gw_sci, 1, salt))
                ok, why = check_pair(True, sa, rx, tx)
            else:
                sa = parse_sa(sa_spec(cs, key_for(cs, "2b"), peer_sci, 2, salt))
                ok, why = check_pair(True, sa, tx, rx)
            res[row] = {"ok": ok, "frames": len(rx), "why": why}
    json.dump(out, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:5]))
