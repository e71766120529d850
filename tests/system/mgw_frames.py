#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Independent oracle for the system tests: make, protect and check MACsec frames with scapy.

  mgw_frames.py gen-clear OUT.pcap N                      clear Ether/IPv4/UDP frames, sizes 60..1514
  mgw_frames.py protect IN.pcap OUT.pcap SA               scapy MACsecSA encap+encrypt every frame
  mgw_frames.py check IN.pcap SA [SA...] [--expect CLEAR.pcap] [--min N]
        every frame is EtherType 0x88E5 and validates (ICV) under the SA for its SCI;
        with --expect the decrypted frames equal CLEAR.pcap's, in order
  mgw_frames.py same A.pcap B.pcap                        the two captures hold identical frames

SA = suite:key_hex:sci_hex[:ssci:salt_hex][:an=N][:pn=N][:integrity]
Exit 0 on success; prints one line per failure and a summary.
"""
import struct
import sys

from scapy.all import Ether, IP, UDP, Raw, rdpcap, wrpcap, raw  # noqa: E402
from scapy.contrib.macsec import MACsec, MACsecSA  # noqa: E402

ETH_P_MACSEC = 0x88E5


def parse_sa(spec):
    parts = spec.split(":")
    suite, key, sci = parts[0], bytes.fromhex(parts[1]), int(parts[2], 16)
    sa = {"suite": suite, "key": key, "sci": sci, "an": 0, "pn": 1, "encrypt": True,
          "ssci": None, "salt": None}
    rest = parts[3:]
    if "xpn" in suite:
        sa["ssci"] = int(rest[0], 16)
        sa["salt"] = bytes.fromhex(rest[1])
        rest = rest[2:]
    for r in rest:
        if r.startswith("an="):
            sa["an"] = int(r[3:])
        elif r.startswith("pn="):
            sa["pn"] = int(r[3:], 0)
        elif r == "integrity":
            sa["encrypt"] = False
        elif r:
            raise SystemExit(f"bad SA field {r}")
    want = 32 if suite.endswith("256") else 16
    if len(key) != want:
        raise SystemExit(f"{suite} needs a {want}-octet key")
    return sa


def scapy_sa(sa, pn, send_sci=True):
    xpn = "xpn" in sa["suite"]
    return MACsecSA(sci=struct.pack("!Q", sa["sci"]), an=sa["an"], pn=pn, key=sa["key"],
                    icvlen=16, encrypt=1 if sa["encrypt"] else 0, send_sci=send_sci,
                    xpn_en=xpn, ssci=sa["ssci"] if xpn else None, salt=sa["salt"] if xpn else None)


def cmd_gen_clear(out, n):
    frames = []
    sizes = [60, 64, 128, 256, 512, 1024, 1514]
    for i in range(int(n)):
        size = sizes[i % len(sizes)]
        p = (Ether(src="02:00:00:00:aa:01", dst="02:00:00:00:bb:01") /
             IP(src="192.0.2.1", dst="192.0.2.2", id=i) / UDP(sport=4000 + i, dport=5000))
        p = p / Raw(bytes((i + k) & 0xFF for k in range(max(0, size - len(p)))))
        frames.append(p)
    wrpcap(out, frames)
    return 0


def cmd_protect(inp, out, spec):
    sa = parse_sa(spec)
    res = []
    for i, p in enumerate(rdpcap(inp)):
        s = scapy_sa(sa, sa["pn"] + i)
        res.append(s.encrypt(s.encap(Ether(raw(p)))))
    wrpcap(out, res)
    return 0


def decrypt_one(frame, sas):
    """Returns (clear_bytes, None) or (None, reason)."""
    e = Ether(frame)
    if e.type != ETH_P_MACSEC or MACsec not in e:
        return None, f"EtherType {e.type:#06x}, not MACsec"
    m = e[MACsec]
    if m.SC:
        sci = int.from_bytes(raw(m.SCI)[:8], "big")
    elif len(sas) == 1:
        sci = sas[0]["sci"]
    else:
        return None, "no SCI in SecTAG and several SAs"
    cands = [s for s in sas if s["sci"] == sci and s["an"] == m.AN]
    if not cands:
        return None, f"no SA for SCI {sci:016x} AN {m.AN}"
    sa = cands[0]
    pn = m.PN
    if "xpn" in sa["suite"]:
        # 802.1AE-2018 10.6.2, from the highest PN seen so far on this SA.
        last = sa.setdefault("last", sa["pn"])
        hi = last >> 32
        if (last & 0x80000000) and not (pn & 0x80000000):
            hi += 1
        pn |= hi << 32
    s = scapy_sa(sa, pn, send_sci=bool(m.SC))
    try:
        d = s.decap(s.decrypt(e))
    except Exception as ex:  # cryptography raises InvalidTag
        return None, f"ICV does not verify ({type(ex).__name__}), PN {pn:#x}"
    if "xpn" in sa["suite"]:
        sa["last"] = max(sa["last"], pn)
    return raw(d), None


def cmd_check(args):
    expect = None
    minimum = 1
    specs = []
    it = iter(args[1:])
    for a in it:
        if a == "--expect":
            expect = [raw(p) for p in rdpcap(next(it))]
        elif a == "--min":
            minimum = int(next(it))
        else:
            specs.append(parse_sa(a))
    frames = [raw(p) for p in rdpcap(args[0])]
    bad = 0
    clear = []
    for i, f in enumerate(frames):
        c, why = decrypt_one(f, specs)
        if c is None:
            bad += 1
            if bad <= 10:
                print(f"frame {i}: {why}")
        else:
            clear.append(c)
    if expect is not None:
        # The receiver strips nothing but SecTAG/ICV: compare frame by frame.
        if len(clear) != len(expect):
            print(f"{len(clear)} frames decrypted, {len(expect)} expected")
            bad += 1
        for i, (a, b) in enumerate(zip(clear, expect)):
            if a != b:
                print(f"frame {i}: decrypted frame differs from the clear one")
                bad += 1
                break
    if len(frames) < minimum:
        print(f"only {len(frames)} frames captured, want at least {minimum}")
        bad += 1
    print(f"{len(clear)} passed, {bad} failed")
    return 1 if bad else 0


def cmd_same(a, b):
    fa = [raw(p) for p in rdpcap(a)]
    fb = [raw(p) for p in rdpcap(b)]
    if fa == fb and fa:
        print(f"{len(fa)} passed, 0 failed")
        return 0
    diff = sum(1 for x, y in zip(fa, fb) if x != y) + abs(len(fa) - len(fb))
    print(f"{len(fa)} vs {len(fb)} frames, {diff} differ")
    print(f"0 passed, {max(diff, 1)} failed")
    return 1


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    cmd, args = argv[1], argv[2:]
    if cmd == "gen-clear":
        return cmd_gen_clear(*args)
    if cmd == "protect":
        return cmd_protect(*args)
    if cmd == "check":
        return cmd_check(args)
    if cmd == "same":
        return cmd_same(*args)
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
