#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""lib/macsec against an independent MACsec: scapy's MACsecSA, in both directions.

                      +--> scapy MACsecSA encap+encrypt(PN) --> S --> ours: macsec_validate_burst
                      |                                         |       == clear frame, InPktsOK
   clear frame -------+                                S == O, byte for byte
                      |                                         |
                      +--> ours: macsec_protect_burst(PN) ----> O --> scapy decrypt+decap
                                                                        == clear frame
   negative: one bit of S flipped (ICV, SecTAG, secure data) --> ours refuses, counts the reason
             one bit of O flipped                           --> scapy refuses (InvalidTag)

Covers the four cipher suites, integrity only and confidentiality offsets 0/30/50, SCI in the
SecTAG or not, frames of 14..9000 octets (both sides of SL = 48), one-segment, chained and
no-headroom mbufs, padded short frames, and XPN across the 2^32 PN boundary (transmit PNs
0xFFFFFFFE..0x100000001, receive with the lowest acceptable PN steering the high-bit recovery).
"ours" is tests/oracle/macsec_oracle (one JSON request a line) on one AEAD engine. Where a
frame must be refused, the reason expected is worked out from 802.1AE (rx_expect), not from
lib/macsec. scapy takes the PN's low half from the SecTAG and, for XPN, the high half from the
SA's pn, so every scapy SA here is made with the frame's full 64-bit PN.

Usage: test_scapy_oracle.py --driver PATH --engine ipsec-mb|ipsec-mb-direct|openssl
                            [--seed N] [--only REGEX]
Exit 0 when every case agrees. Otherwise prints each kind of failure once with its first
example (frames up to 256 octets in full) and writes all of them to
oracle-failures-ENGINE.json in the working directory. Ends with a one-line summary.
"""
import argparse
import json
import os
import random
import re
import struct
import subprocess
import sys
import time

from cryptography.exceptions import InvalidTag
from scapy.all import Ether, Raw, raw  # noqa: E402
from scapy.contrib.macsec import MACsecSA  # noqa: E402

SUITES = {  # name: (key octets, XPN)
    "gcm-aes-128": (16, False),
    "gcm-aes-256": (32, False),
    "gcm-aes-xpn-128": (16, True),
    "gcm-aes-xpn-256": (32, True),
}
MODES = [(False, 0), (True, 0), (True, 30), (True, 50)]  # (encrypt, confidentiality offset)
# 14 = DA+SA+EtherType only; 59/60 straddle SL = 48 (secure data = frame - 12);
# 42/62 make the secure data exactly the 30/50-octet offset.
SIZES = [14, 15, 20, 41, 42, 43, 47, 59, 60, 61, 62, 63, 64, 100, 128, 512, 1514, 4000, 9000]
FLIP_SIZES = [14, 47, 59, 60, 61, 1514, 9000]
ETHERTYPES = [0x88B5, 0x0800, 0x86DD, 0x88B6, 0x8100]
SEG_MODES = ["one", "chain", "mixed"]
XPN_EDGE = [0xFFFFFFFE, 0xFFFFFFFF, 0x100000000, 0x100000001]
ICV = 16
TCI_V, TCI_ES, TCI_SC, TCI_SCB, TCI_E, TCI_C = 0x80, 0x40, 0x20, 0x10, 0x08, 0x04
TAG_FLIPS = ["tci_v", "tci_es", "tci_sc", "tci_scb", "tci_e", "tci_c", "an", "sl_reserved",
             "sl", "pn", "sci"]
# Receive drop counters: (where, name) -> our model's reason.
RX_REASONS = {
    "no_tag": ("secy", "in_pkts_no_tag"),
    "bad_tag": ("secy", "in_pkts_bad_tag"),
    "no_sci": ("secy", "in_pkts_no_sci"),
    "not_using_sa": ("sc", "in_pkts_not_using_sa"),
    "late": ("sc", "in_pkts_late"),
    "not_valid": ("sc", "in_pkts_not_valid"),
}
RX_OTHER = [("secy", "in_pkts_untagged"), ("secy", "in_pkts_unknown_sci"),
            ("secy", "in_pkts_no_room"), ("secy", "in_pkts_crypto_error"),
            ("sc", "in_pkts_delayed"), ("sc", "in_pkts_unchecked"), ("sc", "in_pkts_invalid"),
            ("sc", "in_pkts_unused_sa")]
TX_DROPS = ["out_pkts_too_long", "out_pkts_sa_not_in_use", "out_pkts_pn_exhausted",
            "out_pkts_no_room", "out_pkts_runt", "out_pkts_crypto_error", "out_pkts_untagged"]


class SA:
    """One SA's parameters, shared by scapy and the driver."""

    def __init__(self, rng, suite, encrypt, offset, include_sci):
        klen, self.xpn = SUITES[suite]
        self.suite, self.encrypt, self.offset = suite, encrypt, offset
        self.include_sci = include_sci
        self.key = rng.randbytes(klen)
        self.src = bytes([0x02]) + rng.randbytes(5)
        self.sci = int.from_bytes(self.src, "big") << 16 | rng.choice([1, 2, 0x100, 0xFFFF])
        self.an = rng.randrange(4)
        self.ssci = rng.randrange(1 << 32) if self.xpn else 0
        self.salt = rng.randbytes(12) if self.xpn else bytes(12)

    def name(self):
        mode = f"conf-{self.offset}" if self.encrypt else "integrity"
        return f"{self.suite}/{mode}/{'sci' if self.include_sci else 'nosci'}"

    def scapy(self, pn, send_sci=None):
        return MACsecSA(sci=self.sci, an=self.an, pn=pn, key=self.key, icvlen=ICV,
                        encrypt=1 if self.encrypt else 0,
                        send_sci=self.include_sci if send_sci is None else send_sci,
                        xpn_en=self.xpn, ssci=self.ssci if self.xpn else None,
                        salt=self.salt if self.xpn else None)

    def hdrlen(self):
        return 12 + (16 if self.include_sci else 8)

    def protect(self, clear, pn):
        """scapy's protected frame for @clear at @pn (the offset is scapy's assoclen)."""
        s = self.scapy(pn)
        p = Ether(clear[:14])
        if len(clear) > 14:
            p = p / Raw(clear[14:])
        e = s.encap(p)
        return raw(s.encrypt(e, self.hdrlen() + self.offset if self.encrypt else None))

    def unprotect(self, frame, pn):
        """scapy's clear frame from @frame at @pn; raises InvalidTag when the ICV fails."""
        s = self.scapy(pn)
        # assoclen stops at the ICV when the offset runs past the secure data.
        assoc = min(self.hdrlen() + self.offset, len(frame) - ICV) if self.encrypt else None
        return raw(s.decap(s.decrypt(Ether(frame), assoc)))

    def request(self, op, pn, frames, segs, **kw):
        r = {"op": op, "suite": self.suite, "key": self.key.hex(), "sci": f"{self.sci:016x}",
             "an": self.an, "pn": f"{pn:x}", "encrypt": self.encrypt, "offset": self.offset,
             "include_sci": self.include_sci, "frames": [f.hex() for f in frames], "segs": segs}
        if self.xpn:
            r.update(ssci=self.ssci, salt=self.salt.hex())
        r.update(kw)
        return r


def xpn_recover(lowest, pn_lo):
    """802.1AE-2018 10.6.2, from the text, not from lib/macsec/pn.h: the high 32 bits are
    the lowest acceptable PN's "unless the most significant of the 32 least significant bits
    of the lowest acceptable PN is set and the corresponding bit of the received PN is not
    set, in which case [they are] one more" (the sentence as the Intel MACsec FPGA IP user
    guide, 6.5.1 "XPN Recovery", reproduces it). A late frame thus stays late (InPktsLate)."""
    hi = lowest >> 32
    if (lowest & 0x80000000) and not (pn_lo & 0x80000000):
        hi += 1
    return (hi << 32 | pn_lo) & (2**64 - 1)


def rx_expect(sa, frame, true_pn, lowest, replay, modified):
    """What a strict SecY with one receive SC (sa.sci) and one SA (sa.an) does with @frame
    (802.1AE 9.3-9.9, 10.6.1-10.6.2): a reason from RX_REASONS, or "ok"."""
    if len(frame) < 14 or frame[12:14] != b"\x88\xe5":
        return "no_tag"
    tag = frame[12:]
    if len(tag) < 8:
        return "bad_tag"
    tci, sl = tag[2], tag[3]
    if tci & TCI_V or (tci & TCI_SC and tci & (TCI_ES | TCI_SCB)):
        return "bad_tag"  # 9.4, 9.5
    if (tci & TCI_C and not tci & TCI_E) or sl >= 48:
        return "bad_tag"  # 9.5, 9.7
    tl = 16 if tci & TCI_SC else 8
    if len(tag) < tl + ICV:
        return "bad_tag"
    secure = len(tag) - tl - ICV
    if (sl and secure < sl) or (not sl and secure < 48):
        return "bad_tag"
    pn = struct.unpack("!I", tag[4:8])[0]
    if pn == 0 and not sa.xpn:
        return "bad_tag"
    if tci & TCI_SC:
        sci = struct.unpack("!Q", tag[8:16])[0]
    elif not tci & TCI_ES:
        sci = sa.sci  # the only peer (point to point, docs/conformance.md)
    else:
        sci = int.from_bytes(frame[6:12], "big") << 16 | 1
    if sci != sa.sci:
        return "no_sci"
    if tci & 3 != sa.an:
        return "not_using_sa"
    if sa.xpn:
        pn = xpn_recover(lowest, pn)
    if replay and pn < lowest:
        return "late"
    return "not_valid" if modified or pn != true_pn else "ok"


def flip(frame, sa, kind, rng):
    """@frame with one bit flipped: 'icv', 'data' (secure data) or a SecTAG field."""
    f = bytearray(frame)
    tl = 16 if sa.include_sci else 8
    if kind == "icv":
        i = len(f) - 1 - rng.randrange(ICV)
        f[i] ^= 1 << rng.randrange(8)
    elif kind == "data":
        i = 12 + tl + rng.randrange(len(f) - 12 - tl - ICV)
        f[i] ^= 1 << rng.randrange(8)
    elif kind == "an":
        f[14] ^= 1
    elif kind.startswith("tci_"):
        f[14] ^= {"tci_v": TCI_V, "tci_es": TCI_ES, "tci_sc": TCI_SC, "tci_scb": TCI_SCB,
                  "tci_e": TCI_E, "tci_c": TCI_C}[kind]
    elif kind == "sl_reserved":
        f[15] ^= 0x40
    elif kind == "sl":
        f[15] ^= 1
    elif kind == "pn":
        f[18] ^= 0x10  # PN bit 12: a different, still non-zero PN
    elif kind == "sci":
        f[20 + rng.randrange(8)] ^= 1 << rng.randrange(8)
    else:
        raise ValueError(kind)
    return bytes(f)


def clear_frame(rng, size, src):
    dst = bytes([0x02]) + rng.randbytes(5)
    return dst + src + struct.pack("!H", rng.choice(ETHERTYPES)) + rng.randbytes(size - 14)


def chain_seg(length, i):
    """Segment length that splits a frame of @length into 2..7 segments (the first may be
    shorter than an Ethernet header: lib/macsec must cope)."""
    k = (2, 3, 5, 7)[i % 4]
    return max(1, -(-length // k))


def seg_for(mode, length, i):
    if mode == "one":
        return 0
    if mode == "chain" or i % 3 == 1:
        return chain_seg(length, i)
    return -1 if i % 3 == 2 else 0


def show(b):
    return b.hex() if len(b) <= 256 else f"{b[:64].hex()}...({len(b)} octets)"


class Oracle:
    def __init__(self, engine, seed, only=None):
        self.engine = engine
        self.only = re.compile(only) if only else None
        self.rng = random.Random(seed)
        self.reqs = []      # (driver request, check(driver response))
        self.failures = []
        self.cases = {"scapy->ours": 0, "ours->scapy": 0}
        self.neg = {"scapy->ours": 0, "ours->scapy": 0}

    def fail(self, what, **detail):
        self.failures.append(dict(what=what, **{k: (v.hex() if isinstance(v, bytes) else v)
                                               for k, v in detail.items()}))

    def add(self, name, req, check, direction, cases, negative=False):
        if self.only and not self.only.search(name):
            return
        self.reqs.append((req, check))
        self.cases[direction] += cases
        if negative:
            self.neg[direction] += cases

    # ---- the positive matrix --------------------------------------------------------------
    def matrix(self):
        for suite in SUITES:
            for encrypt, offset in MODES:
                for include_sci in (True, False):
                    sa = SA(self.rng, suite, encrypt, offset, include_sci)
                    pn0 = self.first_pn(sa, len(SIZES))
                    clear = [clear_frame(self.rng, n, sa.src) for n in SIZES]
                    prot = [sa.protect(c, pn0 + i) for i, c in enumerate(clear)]
                    for segmode in SEG_MODES:
                        self.validate_case(sa, pn0, clear, prot, segmode)
                        self.protect_case(sa, pn0, clear, prot, segmode)
                    self.padded_case(sa, pn0, clear, prot)

    def first_pn(self, sa, n):
        if sa.xpn:
            return self.rng.choice([1, self.rng.randrange(1, 1 << 32),
                                    self.rng.randrange(1 << 32, (1 << 64) - (1 << 20))])
        return self.rng.choice([1, self.rng.randrange(1, (1 << 32) - n)])

    def validate_case(self, sa, pn0, clear, prot, segmode, label=""):
        segs = [seg_for(segmode, len(p), i) for i, p in enumerate(prot)]
        req = sa.request("validate", pn0, prot, segs)
        name = f"{sa.name()} validate {segmode}{label}"

        def check(res):
            if "error" in res:
                return self.fail(name, error=res["error"])
            for i, (c, p) in enumerate(zip(clear, prot)):
                got = res["out"][i]
                if got is None or bytes.fromhex(got) != c:
                    self.fail(name + f" frame {i} (PN {pn0 + i:#x}, {len(c)} octets, seg "
                              f"{segs[i]}): scapy's frame not delivered as the clear frame",
                              sent=p, clear=c, got=bytes.fromhex(got) if got else "refused",
                              counters=nonzero(res))
            octets = sum(len(c) - 12 for c in clear)
            want = {("sc", "in_pkts_ok"): len(clear), ("sa", "in_pkts_ok"): len(clear),
                    ("secy", "in_octets_decrypted" if sa.encrypt else "in_octets_validated"):
                    octets}
            self.expect_counters(name, res, want)
        self.add(name, req, check, "scapy->ours", len(clear))

    def protect_case(self, sa, pn0, clear, prot, segmode):
        segs = [seg_for(segmode, len(c), i) for i, c in enumerate(clear)]
        req = sa.request("protect", pn0, clear, segs)
        name = f"{sa.name()} protect {segmode}"

        def check(res):
            if "error" in res:
                return self.fail(name, error=res["error"])
            for i, (c, p) in enumerate(zip(clear, prot)):
                got = res["out"][i]
                got = bytes.fromhex(got) if got else None
                where = f" frame {i} (PN {pn0 + i:#x}, {len(c)} octets, seg {segs[i]})"
                if got != p:
                    self.fail(name + where + ": ours differs from scapy's", clear=c, scapy=p,
                              ours=got if got else "refused", counters=nonzero(res))
                    if got is None:
                        continue
                try:
                    back = sa.unprotect(got, pn0 + i)
                except Exception as ex:  # noqa: BLE001 - any refusal is a failure here
                    self.fail(name + where + f": scapy refuses ours ({type(ex).__name__})",
                              clear=c, ours=got)
                    continue
                if back != c:
                    self.fail(name + where + ": scapy decrypts ours to another frame",
                              clear=c, ours=got, back=back)
            octets = sum(len(c) - 12 for c in clear)
            key = "out_pkts_encrypted" if sa.encrypt else "out_pkts_protected"
            want = {("sa", key): len(clear),
                    ("secy", "out_octets_encrypted" if sa.encrypt else "out_octets_protected"):
                    octets}
            self.expect_counters(name, res, want, tx=True)
            if int(res["next_pn"], 16) != pn0 + len(clear):
                self.fail(name + ": next PN", want=hex(pn0 + len(clear)), got=res["next_pn"])
        self.add(name, req, check, "ours->scapy", len(clear))

    def padded_case(self, sa, pn0, clear, prot):
        """Short frames padded to 60 octets by the MAC: SL says where the ICV ends."""
        idx = [i for i, p in enumerate(prot) if len(p) < 60]
        if not idx:
            return
        c = [clear[i] for i in idx]
        p = [prot[i] + bytes(60 - len(prot[i])) for i in idx]
        # Consecutive PNs are not needed: lowest = the first one, they only increase.
        req_pn = pn0 + idx[0]
        for segmode in ("one", "chain"):
            segs = [seg_for(segmode, len(x), i) for i, x in enumerate(p)]
            req = sa.request("validate", req_pn, p, segs)
            name = f"{sa.name()} validate padded {segmode}"

            def check(res, name=name, segs=segs):
                if "error" in res:
                    return self.fail(name, error=res["error"])
                for k, i in enumerate(idx):
                    got = res["out"][k]
                    if got is None or bytes.fromhex(got) != c[k]:
                        self.fail(name + f" frame {k} (PN {pn0 + i:#x}, seg {segs[k]}): padded "
                                  "frame not delivered as the clear frame", sent=p[k], clear=c[k],
                                  got=bytes.fromhex(got) if got else "refused",
                                  counters=nonzero(res))
                self.expect_counters(name, res, {("sc", "in_pkts_ok"): len(idx),
                                                 ("sa", "in_pkts_ok"): len(idx)})
            self.add(name, req, check, "scapy->ours", len(idx))

    # ---- negatives: one flipped bit -------------------------------------------------------
    def flips(self):
        n = 0
        for suite in SUITES:
            for encrypt, offset in MODES:
                for include_sci in (True, False):
                    sa = SA(self.rng, suite, encrypt, offset, include_sci)
                    for size in FLIP_SIZES:
                        kinds = ["icv", "data"]
                        tagk = [k for k in TAG_FLIPS if include_sci or k != "sci"]
                        kinds.append(tagk[n % len(tagk)])
                        for kind in kinds:
                            self.flip_case(sa, size, kind, n)
                            n += 1

    def flip_case(self, sa, size, kind, n):
        pn = self.first_pn(sa, 1)
        c = clear_frame(self.rng, size, sa.src)
        p = sa.protect(c, pn)
        bad = flip(p, sa, kind, self.rng)
        want = rx_expect(sa, bad, pn, pn, True, True)
        seg = chain_seg(len(bad), n) if n % 2 else 0
        name = f"{sa.name()} {size} octets, {kind} flipped, seg {seg}"

        def check(res):
            if "error" in res:
                return self.fail(name, error=res["error"])
            if res["out"][0] is not None:
                self.fail(name + ": ours delivers a modified frame", sent=bad, orig=p,
                          got=bytes.fromhex(res["out"][0]), counters=nonzero(res))
                return
            self.expect_counters(name, res, {RX_REASONS[want]: 1},
                                 sent=bad, orig=p)
        self.add(name, sa.request("validate", pn, [bad], [seg]), check, "scapy->ours", 1, True)

        # Ours protects the same frame; scapy must refuse it with the same bit flipped.
        def check_tx(res):
            if "error" in res or res["out"][0] is None:
                return self.fail(name + ": ours did not protect", res=json.dumps(res)[:300])
            ours = bytes.fromhex(res["out"][0])
            ours_bad = flip(ours, sa, kind, random.Random(n))
            try:
                sa.unprotect(ours_bad, pn)
            except InvalidTag:
                return
            except Exception as ex:  # noqa: BLE001
                return self.fail(name + f": scapy fails on ours flipped with {ex!r}, "
                                 "not InvalidTag", sent=ours_bad)
            self.fail(name + ": scapy accepts ours with a bit flipped", sent=ours_bad)
        self.add(name + " (ours)", sa.request("protect", pn, [c], [0]), check_tx, "ours->scapy",
                 1, True)

    # ---- XPN across 2^32, and the end of the 32-bit PN space ------------------------------
    def pn_edges(self):
        for suite in SUITES:
            for encrypt, offset in [(False, 0), (True, 0), (True, 30)]:
                for include_sci in (True, False):
                    sa = SA(self.rng, suite, encrypt, offset, include_sci)
                    clear = [clear_frame(self.rng, s, sa.src) for s in (60, 14, 1514, 61)]
                    if sa.xpn:
                        self.xpn_tx(sa, clear)
                        self.xpn_rx(sa, clear)
                    else:
                        self.pn32_end(sa, clear)

    def xpn_tx(self, sa, clear):
        prot = [sa.protect(c, pn) for c, pn in zip(clear, XPN_EDGE)]
        for burst in (0, 1):
            for segmode in ("one", "chain"):
                segs = [seg_for(segmode, len(c), i) for i, c in enumerate(clear)]
                req = sa.request("protect", XPN_EDGE[0], clear, segs, burst=burst)
                name = f"{sa.name()} XPN protect across 2^32, burst {burst or 4}, {segmode}"

                def check(res, name=name):
                    if "error" in res:
                        return self.fail(name, error=res["error"])
                    for i, pn in enumerate(XPN_EDGE):
                        got = bytes.fromhex(res["out"][i]) if res["out"][i] else None
                        if got != prot[i]:
                            self.fail(name + f" PN {pn:#x}: ours differs from scapy's",
                                      clear=clear[i], scapy=prot[i], ours=got or "refused")
                            continue
                        try:
                            ok = sa.unprotect(got, pn) == clear[i]
                        except InvalidTag:
                            ok = False
                        if not ok:
                            self.fail(name + f" PN {pn:#x}: scapy does not recover the clear "
                                      "frame from ours", ours=got)
                    if int(res["next_pn"], 16) != XPN_EDGE[-1] + 1:
                        self.fail(name + ": next PN", got=res["next_pn"])
                self.add(name, req, check, "ours->scapy", len(clear))

    def xpn_rx(self, sa, clear):
        prot = [sa.protect(c, pn) for c, pn in zip(clear, XPN_EDGE)]
        # All four in one burst, then one a burst, from lowest acceptable PN 0xFFFFFFFE.
        for burst in (0, 1):
            for segmode in ("one", "chain"):
                segs = [seg_for(segmode, len(p), i) for i, p in enumerate(prot)]
                req = sa.request("validate", XPN_EDGE[0], prot, segs, burst=burst)
                name = f"{sa.name()} XPN validate across 2^32, burst {burst or 4}, {segmode}"

                def check(res, name=name):
                    if "error" in res:
                        return self.fail(name, error=res["error"])
                    for i, pn in enumerate(XPN_EDGE):
                        got = res["out"][i]
                        if got is None or bytes.fromhex(got) != clear[i]:
                            self.fail(name + f" PN {pn:#x}: not delivered as the clear frame",
                                      sent=prot[i], got=got or "refused", counters=nonzero(res))
                    if int(res["next_pn"], 16) != XPN_EDGE[-1] + 1:
                        self.fail(name + ": next PN", got=res["next_pn"])
                    self.expect_counters(name, res, {("sc", "in_pkts_ok"): 4,
                                                     ("sa", "in_pkts_ok"): 4})
                self.add(name, req, check, "scapy->ours", len(clear))
        # One frame, lowest acceptable PN = PN, PN - 1, PN - (2^31 - 1): the high bits must
        # come out right; past the recovery window or below the lowest PN they must not.
        # With replay window 0 lib/macsec's Linux rule gives the same answers as 10.6.2.
        for i, pn in enumerate(XPN_EDGE):
            cases = [(pn, True), (pn - 1, True), (pn - 0x7FFFFFFF, True), (pn + 1, True)]
            if pn >= 1 << 32:
                cases.append((0x7FFFFFFF, False))  # 10.6.2 recovers PN - 2^32: ICV fails
            if pn < 1 << 32:
                cases.append((0x100000000, True))  # 10.6.2 recovers PN + 2^32: ICV fails
            for lowest, replay in cases:
                for recovery in ("ieee", "linux"):
                    self.rx_single(sa, clear[i], prot[i], pn, lowest, 0, replay, recovery)
        # Replay window 0x20 across 2^32 (next PN 0x100000010, lowest 0xFFFFFFF0).
        for pn in (0xFFFFFFF5, 0x100000005, 0xFFFFFFF0, 0xFFFFFFEF):
            self.rx_single(sa, clear[0], sa.protect(clear[0], pn), pn, 0x100000010, 0x20, True,
                           "ieee")

    def rx_single(self, sa, clear, frame, pn, next_pn, window, replay, recovery):
        lowest = next_pn - window if next_pn > window + 1 else 1
        want = rx_expect(sa, frame, pn, lowest, replay, False)
        name = (f"{sa.name()} XPN validate PN {pn:#x}, next PN {next_pn:#x}, window {window:#x}, "
                f"replay {'on' if replay else 'off'}, xpn_recovery {recovery}")
        req = sa.request("validate", next_pn, [frame], [0], replay_protect=replay, window=window,
                         xpn_recovery=recovery)

        def check(res):
            if "error" in res:
                return self.fail(name, error=res["error"])
            got = res["out"][0]
            if want == "ok":
                if got is None or bytes.fromhex(got) != clear:
                    self.fail(name + ": not delivered", sent=frame, counters=nonzero(res))
                self.expect_counters(name, res, {("sc", "in_pkts_ok"): 1, ("sa", "in_pkts_ok"): 1})
            else:
                if got is not None:
                    self.fail(name + f": delivered, 10.6.2 says {want}", sent=frame)
                self.expect_counters(name, res, {RX_REASONS[want]: 1}, sent=frame)
        self.add(name, req, check, "scapy->ours", 1, want != "ok")

    def pn32_end(self, sa, clear):
        """32-bit suites: PNs 0xFFFFFFFE and 0xFFFFFFFF go out, then the SA stops (10.5.2)."""
        prot = [sa.protect(c, pn) for c, pn in zip(clear[:2], XPN_EDGE[:2])]
        for burst in (0, 1):
            req = sa.request("protect", XPN_EDGE[0], clear, [0] * 4, burst=burst)
            name = f"{sa.name()} protect at the end of the 32-bit PN space, burst {burst or 4}"

            def check(res, name=name):
                if "error" in res:
                    return self.fail(name, error=res["error"])
                outs = [bytes.fromhex(o) if o else None for o in res["out"]]
                if outs[:2] != prot or outs[2:] != [None, None]:
                    self.fail(name + ": want PN 0xfffffffe, 0xffffffff sent as scapy's, then "
                              "none", got=[show(o) if o else None for o in outs])
                if res["secy"]["out_pkts_pn_exhausted"] != 2:
                    self.fail(name + ": OutPktsPnExhausted", counters=nonzero(res))
            self.add(name, req, check, "ours->scapy", 4)
            rreq = sa.request("validate", XPN_EDGE[0], prot, [0, 0], burst=burst)

            def rcheck(res, name=name):
                if "error" in res or [bytes.fromhex(o) if o else None
                                      for o in res["out"]] != clear[:2]:
                    self.fail(name.replace("protect", "validate") + ": not delivered",
                              res=json.dumps(res)[:400])
            self.add(name.replace("protect", "validate"), rreq, rcheck, "scapy->ours", 2)

    def expect_counters(self, name, res, want, tx=False, **detail):
        """@want counters exactly, and no drop counter anywhere else."""
        for (where, key), v in want.items():
            if res[where][key] != v:
                self.fail(name + f": {where}.{key} = {res[where][key]}, want {v}",
                          counters=nonzero(res), **detail)
        others = [("secy", k) for k in TX_DROPS] if tx else list(RX_REASONS.values()) + RX_OTHER
        for where, key in others:
            if (where, key) not in want and res[where][key] != 0:
                self.fail(name + f": {where}.{key} = {res[where][key]}, want 0",
                          counters=nonzero(res), **detail)

    # ---- run ------------------------------------------------------------------------------
    def run(self, driver):
        """One driver process for every request; returns how many requests failed."""
        lines = "".join(json.dumps(r) + "\n" for r, _ in self.reqs)
        p = subprocess.run([driver, self.engine], input=lines, capture_output=True, text=True,
                           timeout=300, check=False)
        out = p.stdout.splitlines()
        if p.returncode != 0 or len(out) != len(self.reqs):
            print(p.stderr[-2000:])
            self.fail(f"driver exited with {p.returncode} after {len(out)} of {len(self.reqs)} "
                      "requests")
        bad = 0
        for (_, check), line in zip(self.reqs, out):
            before = len(self.failures)
            check(json.loads(line))
            bad += len(self.failures) > before
        return bad

    def report(self, path):
        """Each kind of failure once, with its first example in full; all of them to @path."""
        with open(path, "w", encoding="utf-8") as f:
            json.dump(self.failures, f, indent=1)
        print(f"{len(self.failures)} failures, all in {path}; by kind (count, first example):")
        for what, (n, first) in tally(self.failures):
            print(f"{n:5d}  {what}")
            print("         " + " ".join(f"{k}={show(bytes.fromhex(v)) if is_hex(v) else v}"
                                      for k, v in first.items() if k != "what"))


def tally(failures):
    """Failures grouped by what went wrong (suite, frame numbers and counts folded)."""
    kinds = {}
    for f in failures:
        w = re.sub(r"gcm-aes-\S+", "*", f["what"])
        w = re.sub(r"frame \d+ \([^)]*\)", "frame *", w)
        w = re.sub(r"\d+ octets, (\w+) flipped, seg \d+", r"* octets, \1 flipped", w)
        w = re.sub(r"= \d+, want \d+$", "wrong", w)
        n, first = kinds.get(w, (0, f))
        kinds[w] = (n + 1, first)
    return sorted(kinds.items(), key=lambda kv: -kv[1][0])


def is_hex(v):
    return isinstance(v, str) and len(v) >= 16 and len(v) % 2 == 0 and \
        all(c in "0123456789abcdef" for c in v)


def nonzero(res):
    return {f"{w}.{k}": v for w in ("secy", "sc", "sa") for k, v in res.get(w, {}).items() if v}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--driver", required=True)
    ap.add_argument("--engine", required=True)
    ap.add_argument("--seed", type=int, default=802)
    ap.add_argument("--only", help="run only the cases whose name matches this regex")
    a = ap.parse_args()
    t0 = time.monotonic()
    o = Oracle(a.engine, a.seed, a.only)
    o.matrix()
    o.flips()
    o.pn_edges()
    bad = o.run(a.driver)
    path = os.path.abspath(f"oracle-failures-{a.engine}.json")
    if o.failures:
        o.report(path)
    elif os.path.exists(path):
        os.remove(path)  # from an earlier run
    c, n = o.cases, o.neg
    print(f"oracle {a.engine}: scapy->ours {c['scapy->ours']} cases ({n['scapy->ours']} negative), "
          f"ours->scapy {c['ours->scapy']} cases ({n['ours->scapy']} negative); "
          f"{bad} of {len(o.reqs)} requests failed; {time.monotonic() - t0:.1f} s")
    return 1 if o.failures else 0


if __name__ == "__main__":
    sys.exit(main())
