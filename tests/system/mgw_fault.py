#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Fault injection for the test_fault_*.sh system tests: junk frames, replays, MKPDU floods.

  mgw_fault.py pcap-info PCAP SCI                 MACsec frames of SCI in PCAP: count, ANs, PNs (JSON)
  mgw_fault.py replay IFACE PCAP SCI              send those frames again, in capture order
  mgw_fault.py replay-watch IFACE PCAP SCI CTL SOCK SECONDS [--every S]
        replay them every S seconds (0.5) for SECONDS against a gateway whose state may be
        changing: none may be delivered, each counted once, under the counter 802.1AE 10.6
        names wherever the receiver's SAs for SCI stayed the same during the batch
  mgw_fault.py junk-prot IFACE CTL SOCK PEER_SCI LATE_PCAP [--n N] [--xpn]
        every malformed or unacceptable kind of MACsec frame in turn (N each, as fast as the
        socket takes them) into a gateway's protected port; after each kind, the gateway's
        counters must show exactly N more under the 802.1AE counter of that kind, and no other
        drop counter may move (exit 1 otherwise)
  mgw_fault.py junk-plain IFACE CTL SOCK [--n N]  the same on the plain port (random frames are
        protected; oversize ones are OutPktsTooLong)
  mgw_fault.py blast SECONDS IFACE:MIX [IFACE:MIX...]
        full rate for SECONDS, round robin over the interfaces; MIX is prot:SCI (prot-xpn:SCI), plain or
        mkpdu:CKN; prints what was sent per expected counter (JSON)
  mgw_fault.py flood IFACE SECONDS CKN SRC_MAC [--rate PPS]
        MKPDUs to 01:80:C2:00:00:03: half an unknown CKN, half our CKN with a bad ICV; every
        frame a new MI; prints frames sent and the rate (JSON)

Frames go out through an AF_PACKET socket with sendmmsg(2) (no scapy: it is too slow for a
flood). Nothing here knows a key: junk needs none, and replays carry the real peer's ICV.
"""
import ctypes
import ctypes.util
import errno
import json
import os
import random
import socket
import struct
import subprocess
import sys
import time

ETH_P_ALL = 0x0003
ETH_MACSEC = 0x88E5
ETH_EAPOL = 0x888E
PAE_GROUP = bytes.fromhex("0180c2000003")
# Junk frames carry fixed unicast addresses: the gateway keeps no address state, and locally
# administered addresses never collide with the hosts' random veth MACs.
JUNK_DA = bytes.fromhex("02000000fe02")
JUNK_SA = bytes.fromhex("02000000fe01")
TCI_V, TCI_ES, TCI_SC, TCI_SCB, TCI_E, TCI_C = 0x80, 0x40, 0x20, 0x10, 0x08, 0x04
# Far above any PN the tests reach, far below the 32-bit end: never late, never the next PN.
FRESH_PN = 0x40000000

# ---------------------------------------------------------------- pcap (classic format)


def pcap_read(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    if magic in (0xA1B2C3D4, 0xA1B23C4D):
        end = "<"
    elif magic in (0xD4C3B2A1, 0x4D3CB2A1):
        end = ">"
    else:
        raise SystemExit(f"{path}: not a classic pcap file (capture with tshark -F pcap)")
    off, frames = 24, []
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack(end + "IIII", data[off:off + 16])
        off += 16
        frames.append(data[off:off + incl])
        off += incl
    return frames


def macsec_fields(f):
    """(an, pn, sci) of a MACsec frame with an explicit SCI, else None."""
    if len(f) < 30 or struct.unpack("!H", f[12:14])[0] != ETH_MACSEC or not f[14] & TCI_SC:
        return None
    return f[14] & 3, struct.unpack("!I", f[16:20])[0], f[20:28].hex()


def frames_of(path, sci):
    return [f for f in pcap_read(path) if (m := macsec_fields(f)) and m[2] == sci.lower()]

# ---------------------------------------------------------------- sendmmsg


class _Iov(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]


class _Msg(ctypes.Structure):
    _fields_ = [("name", ctypes.c_void_p), ("namelen", ctypes.c_uint32),
                ("iov", ctypes.POINTER(_Iov)), ("iovlen", ctypes.c_size_t),
                ("control", ctypes.c_void_p), ("controllen", ctypes.c_size_t),
                ("flags", ctypes.c_int)]


class _MMsg(ctypes.Structure):
    _fields_ = [("hdr", _Msg), ("len", ctypes.c_uint)]


_libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)


class Sender:
    """Frames out of one interface, up to 256 per system call."""
    BATCH = 256

    def __init__(self, ifname):
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0))
        self.sock.bind((ifname, 0))
        self.sent = 0
        self.refused = 0

    def _vec(self, frames):
        n = len(frames)
        bufs = [ctypes.create_string_buffer(f, len(f)) for f in frames]
        iovs = (_Iov * n)(*[_Iov(ctypes.addressof(b), len(f)) for b, f in zip(bufs, frames)])
        msgs = (_MMsg * n)()
        for i in range(n):
            msgs[i].hdr.iov = ctypes.pointer(iovs[i])
            msgs[i].hdr.iovlen = 1
        return bufs, iovs, msgs

    def prepare(self, frames):
        """A reusable batch (at most BATCH frames)."""
        return self._vec(frames[:self.BATCH]) + (min(len(frames), self.BATCH),)

    def send_prepared(self, batch):
        """Send one prepared batch completely (the kernel may take part of it)."""
        _, _, msgs, n = batch
        done = 0
        while done < n:
            r = _libc.sendmmsg(self.sock.fileno(), ctypes.byref(msgs, done * ctypes.sizeof(_MMsg)),
                               n - done, 0)
            if r < 0:
                e = ctypes.get_errno()
                if e in (errno.ENOBUFS, errno.EAGAIN, errno.EINTR):
                    time.sleep(0.0005)
                    continue
                if e in (errno.EMSGSIZE, errno.EINVAL):   # this frame is refused: count, skip
                    self.refused += 1
                    done += 1
                    continue
                raise OSError(e, os.strerror(e))
            done += r
        self.sent += n

    def send(self, frames):
        for i in range(0, len(frames), self.BATCH):
            self.send_prepared(self.prepare(frames[i:i + self.BATCH]))

# ---------------------------------------------------------------- gateway counters


def stats(ctl, sock):
    out = subprocess.run([ctl, "-s", sock, "stats", "--json"], check=True, capture_output=True,
                         timeout=10).stdout
    return json.loads(out)["links"][0]


def flat(link):
    """Every counter of interest, rx SC counters summed over the SCs."""
    c = {k: v for k, v in link["secy"].items()}
    for k in ("InPktsOK", "InPktsLate", "InPktsNotValid", "InPktsInvalid", "InPktsNotUsingSA",
              "InPktsUnusedSA", "InPktsDelayed", "InPktsUnchecked"):
        c[k] = sum(sc[k] for sc in link["rx_sc"])
    c["OutPktsEncrypted"] = link["tx_sc"]["OutPktsEncrypted"]
    c["OutPktsProtected"] = link["tx_sc"]["OutPktsProtected"]
    for side in ("plain", "protected"):
        for k in ("ipackets", "imissed", "ierrors"):
            c[f"{side}.{k}"] = link["ports"][side][k]
    for k, v in link["gateway"].items():
        c[f"gw.{k}"] = v
    return c


IN_DROPS = ["InPktsNoTag", "InPktsBadTag", "InPktsNoSCI", "InPktsUnknownSCI", "InPktsUntagged",
            "InPktsLate", "InPktsNotValid", "InPktsInvalid", "InPktsNotUsingSA", "InPktsUnusedSA",
            "InPktsDelayed", "InPktsUnchecked", "InPktsNoRoom", "InPktsCryptoError",
            "InPktsOverrun"]
OUT_DROPS = ["OutPktsTooLong", "OutPktsRunt", "OutPktsNoRoom", "OutPktsSANotInUse",
             "OutPktsPNExhausted", "OutPktsCryptoError", "OutPktsUntagged"]


def delta(a, b):
    return {k: b[k] - a[k] for k in b if k in a}

# ---------------------------------------------------------------- frame builders


def rnd(n):
    return random.randbytes(n)


def sectag(tci_an, sl, pn, sci=None):
    t = struct.pack("!HBBI", ETH_MACSEC, tci_an, sl, pn)
    return t + (bytes.fromhex(sci) if sci is not None else b"")


def secframe(tci_an, sl, pn, sci, body_len, icv=None, da=JUNK_DA, sa=JUNK_SA):
    """DA SA SecTAG, body_len octets of random 'ciphertext', a random (so wrong) ICV."""
    return da + sa + sectag(tci_an, sl, pn, sci) + rnd(body_len) + (icv or rnd(16))


def junk_ethertype():
    while True:
        t = random.randrange(0, 0x10000)     # 802.3 lengths too
        if t not in (ETH_MACSEC, ETH_EAPOL, 0x8100, 0x88A8, 0x9100):
            return t


def prot_kinds(peer_sci, late_frames):
    """(name, counter, frames) for every kind of bad frame on a protected port.

    The counter is where docs/counters.md and docs/conformance.md say the frame belongs,
    receive SC peer_sci existing with one SA (AN 0), validateFrames Strict, replay on."""
    sc = peer_sci
    ok_tci = TCI_SC | TCI_E | TCI_C           # what our peer sends, AN 0
    ksz = lambda i: 48 + (i * 37) % 1400      # secure data sizes, all >= 48 (SL 0)
    k = []

    def add(name, counter, gen, n):
        k.append((name, counter, [gen(i) for i in range(n)]))

    N = prot_kinds.n
    add("random bytes", "InPktsNoTag",
        lambda i: JUNK_DA + JUNK_SA + struct.pack("!H", junk_ethertype()) + rnd((i * 97) % 1500), N)
    add("wrong EtherType (a MACsec frame as 0x88E6, 0x0800, 0x86DD)", "InPktsNoTag",
        lambda i: (lambda f: f[:12] + struct.pack("!H", (0x88E6, 0x0800, 0x86DD)[i % 3]) + f[14:])(
            secframe(ok_tci, 0, FRESH_PN + i, sc, ksz(i))), N)
    add("802.1Q tag before the SecTAG (no tags in clear configured)", "InPktsNoTag",
        lambda i: JUNK_DA + JUNK_SA + bytes.fromhex("81000064") + secframe(ok_tci, 0, FRESH_PN + i, sc, 60)[12:], N)
    add("truncated inside SecTAG/ICV or below 48 secure octets", "InPktsBadTag",
        lambda i: secframe(ok_tci, 0, FRESH_PN + i, sc, 200)[:14 + i % 78], N)
    add("TCI V=1", "InPktsBadTag", lambda i: secframe(ok_tci | TCI_V, 0, FRESH_PN + i, sc, ksz(i)), N)
    add("TCI ES+SC", "InPktsBadTag", lambda i: secframe(ok_tci | TCI_ES, 0, FRESH_PN + i, sc, ksz(i)), N)
    add("TCI SCB+SC", "InPktsBadTag", lambda i: secframe(ok_tci | TCI_SCB, 0, FRESH_PN + i, sc, ksz(i)), N)
    add("TCI C without E", "InPktsBadTag",
        lambda i: secframe(TCI_SC | TCI_C, 0, FRESH_PN + i, sc, ksz(i)), N)
    add("SL >= 48 (and top bits set)", "InPktsBadTag",
        lambda i: secframe(ok_tci, (48, 63, 0x40 | 10, 0x80 | 20, 0xC0 | 30)[i % 5], FRESH_PN + i, sc, 40), N)
    add("SL longer than the secure data", "InPktsBadTag",
        lambda i: secframe(ok_tci, 21 + i % 27, FRESH_PN + i, sc, 20 + i % 27 - i % 20), N)
    add("SL 0 with under 48 secure octets", "InPktsBadTag",
        lambda i: secframe(ok_tci, 0, FRESH_PN + i, sc, i % 48), N)
    # 9.8: PN 0 is never valid outside XPN. With XPN the field is the low half of the PN;
    # 10.6.2 keeps the high half of the lowest acceptable PN (below 2^31 here): PN 0, late.
    add("PN 0", "InPktsLate" if prot_kinds.xpn else "InPktsBadTag",
        lambda i: secframe(ok_tci, 0, 0, sc, ksz(i)), N)
    add("no SCI in the SecTAG, ES=0: the single receive SC's; bad ICV", "InPktsNotValid",
        lambda i: secframe(TCI_E | TCI_C, 0, FRESH_PN + i, None, ksz(i)), N)
    add("unknown SCI (explicit)", "InPktsNoSCI",
        lambda i: secframe(ok_tci, 0, FRESH_PN + i, "0200000c%08x" % (i + 1), ksz(i)), N)
    add("unknown SCI (implicit, ES=1: the source address)", "InPktsNoSCI",
        lambda i: secframe(TCI_ES | TCI_E | TCI_C, 0, FRESH_PN + i, None, ksz(i)), N)
    add("AN with no SA (1..3)", "InPktsNotUsingSA",
        lambda i: secframe(ok_tci | (1 + i % 3), 0, FRESH_PN + i, sc, ksz(i)), N)
    add("bad ICV", "InPktsNotValid", lambda i: secframe(ok_tci, 0, FRESH_PN + i, sc, ksz(i)), N)
    add("SL shorter than the secure data (the ICV is looked for too early)", "InPktsNotValid",
        lambda i: secframe(ok_tci, 1 + i % 47, FRESH_PN + i, sc, 60 + i % 47), N)
    add("ICV cut short (SL 0, >= 48 octets left)", "InPktsNotValid",
        lambda i: secframe(ok_tci, 0, FRESH_PN + i, sc, 100)[:-(1 + i % 15)], N)
    # Past the wire MTU; tc mirred skips the veth's MTU check, and the af_packet socket's
    # ring (2048-octet slots) keeps only their first 1982 octets, which the PMD passes on.
    add("oversize (1700..3000 octets, past the wire MTU), bad ICV", "InPktsNotValid",
        lambda i: secframe(ok_tci, 0, FRESH_PN + i, sc, 1700 + (i * 131) % 1300 - 44), N)
    add("oversize (1700..3000 octets) without SecTAG", "InPktsNoTag",
        lambda i: JUNK_DA + JUNK_SA + struct.pack("!H", junk_ethertype()) + rnd(1700 + (i * 131) % 1300 - 14), N)
    if late_frames:
        add(f"replayed old PNs ({len(late_frames)} captured frames, each again)", "InPktsLate",
            lambda i: late_frames[i % len(late_frames)], N)
    return k


prot_kinds.n = 64
prot_kinds.xpn = False


def plain_kinds():
    N = plain_kinds.n
    return [
        ("random bytes, 14..1500 octets", "OutPktsEncrypted",
         [rnd(14 + (i * 97) % 1487) for i in range(N)]),
        ("oversize: protected length past the SecY MTU (1583..3000 octets)", "OutPktsTooLong",
         [rnd(1583 + (i * 211) % 1418) for i in range(N)]),
    ]


plain_kinds.n = 64

# ---------------------------------------------------------------- MKPDUs


def mkpdu(ckn, sci, mi, mn, src, prio=0x10):
    """An MKPDU of Basic Parameter Set + ICV (random, so wrong): 802.1X-2020 11.11."""
    body_len = 28 + len(ckn)
    basic = struct.pack("!BBH", 3, prio, 0x6000 | body_len) + sci + mi + struct.pack("!I", mn) + \
        bytes.fromhex("0080c201") + ckn
    basic += bytes(-len(basic) % 4)
    mk = basic + rnd(16)
    return PAE_GROUP + src + struct.pack("!HBBH", ETH_EAPOL, 3, 5, len(mk)) + mk


def mkpdu_pool(ckn, src, n):
    """n distinct MKPDUs: even ones an unknown CKN (random, 1..32 octets), odd ones our CKN
    with a bad ICV; each with a fresh MI and SCI, as a flood from many forged members."""
    pool = []
    for i in range(n):
        c = ckn
        if i % 2 == 0:
            while c == ckn:
                c = rnd(1 + (i // 2) % 32)
        pool.append(mkpdu(c, rnd(6) + b"\x00\x01", rnd(12), 1 + i, src))
    return pool

# ---------------------------------------------------------------- commands


def wait_settled(ctl, sock, key, want, timeout=10.0):
    """Poll until counter key reaches want (or timeout); return the last flat stats."""
    t0 = time.time()
    while True:
        s = flat(stats(ctl, sock))
        if s[key] >= want or time.time() - t0 > timeout:
            # a moment more, so that a counter that goes past want shows it
            time.sleep(0.2)
            return flat(stats(ctl, sock))
        time.sleep(0.05)


def run_classified(iface, ctl, sock, kinds, drops, extra_check=None):
    snd = Sender(iface)
    bad = 0
    total = {}
    print(f"{'kind':68} {'sent':>5}  counter: delta")
    for name, counter, frames in kinds:
        s0 = flat(stats(ctl, sock))
        snd.send(frames)
        s1 = wait_settled(ctl, sock, counter, s0[counter] + len(frames))
        d = delta(s0, s1)
        moved = {k: d[k] for k in drops if d.get(k) and k != counter}
        ok = d[counter] == len(frames) and not moved
        if counter == "OutPktsEncrypted":
            # good traffic is protected too: at least ours, and nothing dropped
            ok = d[counter] >= len(frames) and not moved
        bad += not ok
        total[counter] = total.get(counter, 0) + len(frames)
        print(f"{name[:68]:68} {len(frames):5}  {counter}: +{d[counter]}"
              f"{'' if ok else '  <-- WRONG'}{'  also ' + str(moved) if moved else ''}")
    print(f"refused by the kernel at send: {snd.refused}")
    print(json.dumps({"sent": snd.sent, "per_counter": total}))
    return 1 if bad or snd.refused else 0


def cmd_junk_prot(iface, ctl, sock, peer_sci, late_pcap, *opts):
    prot_kinds.xpn = "--xpn" in opts
    if "--n" in opts:
        prot_kinds.n = int(opts[opts.index("--n") + 1])
    late = frames_of(late_pcap, peer_sci) if late_pcap != "-" else []
    return run_classified(iface, ctl, sock, prot_kinds(peer_sci.lower(), late), IN_DROPS)


def cmd_junk_plain(iface, ctl, sock, *opts):
    if "--n" in opts:
        plain_kinds.n = int(opts[opts.index("--n") + 1])
    return run_classified(iface, ctl, sock, plain_kinds(), OUT_DROPS)


def cmd_pcap_info(path, sci):
    fr = [macsec_fields(f) for f in frames_of(path, sci)]
    print(json.dumps({"frames": len(fr), "an": sorted({m[0] for m in fr}),
                      "pn_min": min((m[1] for m in fr), default=0),
                      "pn_max": max((m[1] for m in fr), default=0)}))
    return 0


def cmd_replay(iface, path, sci):
    fr = frames_of(path, sci)
    snd = Sender(iface)
    snd.send(fr)
    print(json.dumps({"sent": snd.sent, "refused": snd.refused}))
    return 0 if fr and not snd.refused else 1


def rx_state(link, sci, an):
    """(Controlled Port open, receive SC for sci exists, ANs of its SAs in use, nextPN of its
    SA on an or None)."""
    sc = next((s for s in link["rx_sc"] if s["sci"] == sci and s["active"]), None)
    sas = {a["an"]: a for a in (sc["sa"] if sc else []) if a["active"]}
    port = link["mka"] is None or link["mka"]["controlled_port_enabled"]
    return port, sc is not None, sorted(sas), sas[an]["next_pn"] if an in sas else None


def replay_expect(link, sci, frames, dead_sa, window=64):
    """What a receiver in state link (its stats document) makes of each replayed frame.
    Controlled Port closed (MKA, must-secure): dropped before the SecY, port_closed_drop.
    Then 802.1AE 10.6: no receive SC for the SCI: InPktsNoSCI; no SA in use on the frame's
    AN: InPktsNotUsingSA; PN below that SA's lowest acceptable PN (nextPN - replayWindow):
    InPktsLate; otherwise the ICV decides: under the SA that received these very frames
    (dead_sa: the sender's session, not yet torn down) it verifies and the frame is a
    duplicate inside the replay window, which 10.6.2 accepts: InPktsOK; under any other SA
    (a newer SAK) it fails: InPktsNotValid."""
    sc = next((s for s in link["rx_sc"] if s["sci"] == sci and s["active"]), None)
    sas = {a["an"]: a for a in (sc["sa"] if sc else []) if a["active"]}
    want = dict.fromkeys(("port_closed_drop", "InPktsNoSCI", "InPktsNotUsingSA", "InPktsLate",
                          "InPktsNotValid", "InPktsOK"), 0)
    for an, pn, _ in frames:
        sa = sas.get(an)
        if not rx_state(link, sci, an)[0]:
            want["port_closed_drop"] += 1
        elif sc is None:
            want["InPktsNoSCI"] += 1
        elif sa is None:
            want["InPktsNotUsingSA"] += 1
        elif pn < max(1, sa["next_pn"] - window):
            want["InPktsLate"] += 1
        else:
            want["InPktsOK" if dead_sa else "InPktsNotValid"] += 1
    return want


def replay_counted(a, b, sci):
    """Counter deltas between stats documents a and b for frames of one SCI, and what the
    plain port sent. MKA may delete the SCI's receive SC and make it anew between a and b
    (its peer left and came back): the SC's own counters then restart from 0 and the old
    SC's last counts are gone from rx_sc, so the deltas come from the link's rx_sc_totals
    (deleted SCs included) less the other SCIs' own deltas (an SC new since a from 0)."""
    keys = ("InPktsNotUsingSA", "InPktsLate", "InPktsNotValid", "InPktsOK")
    others = lambda l: {s["sci"]: s for s in l["rx_sc"] if s["sci"] != sci}
    oa, ob = others(a), others(b)
    got = {k: b["rx_sc_totals"][k] - a["rx_sc_totals"][k]
           - sum(s[k] - oa.get(x, {}).get(k, 0) for x, s in ob.items()) for k in keys}
    got["InPktsNoSCI"] = b["secy"]["InPktsNoSCI"] - a["secy"]["InPktsNoSCI"]
    got["port_closed_drop"] = b["gateway"]["port_closed_drop"] - a["gateway"]["port_closed_drop"]
    got["delivered"] = b["ports"]["plain"]["opackets"] - a["ports"]["plain"]["opackets"]
    return got


def cmd_replay_watch(iface, path, sci, ctl, sock, seconds, *opts):
    """Replay the captured frames of sci every --every seconds (default 0.5) for SECONDS,
    into a receiver whose state may change meanwhile (the sender died and came back).
    Every frame is counted once (802.1AE counter or port_closed_drop) and where the
    receiver's state stayed the same during a batch, exactly as replay_expect() says. A
    frame is accepted only by the SA that received it first, while that SA lives on; once it
    is gone (its SC or SA seen absent, or its nextPN lower: an SA made anew), none may be."""
    every = float(opts[opts.index("--every") + 1]) if "--every" in opts else 0.5
    sci = sci.lower()
    raw = frames_of(path, sci)
    frames = [macsec_fields(x) for x in raw]
    an = frames[0][0]
    snd = Sender(iface)
    t_start = time.time()
    bad = n = exact = 0
    dead_next = None       # nextPN of the dead session's SA as last seen; None once it is gone
    first = True
    while time.time() < t_start + float(seconds):
        a = stats(ctl, sock)
        st0 = rx_state(a, sci, an)
        if first:
            dead_next, first = st0[3], False
        elif dead_next is not None and (st0[3] is None or st0[3] < dead_next):
            dead_next = None
        elif dead_next is not None:
            dead_next = st0[3]
        want = replay_expect(a, sci, frames, dead_next is not None)
        t0 = time.time()
        snd.send(raw)
        while True:
            time.sleep(0.1)
            b = stats(ctl, sock)
            got = replay_counted(a, b, sci)
            if sum(got[k] for k in want) >= len(raw) or time.time() - t0 > 2:
                break
        st1 = rx_state(b, sci, an)
        if dead_next is not None and (st1[3] is None or st1[3] < dead_next):
            dead_next = None
        n += 1
        line = (f"batch {n} at +{t0 - t_start:.1f} s: port {'open' if st0[0] else 'closed'}, "
                f"SAs on AN {st0[2]}{'' if st0[:3] == st1[:3] else ' -> ' + str(st1[2])}"
                f"{' (the dead session' + chr(39) + 's)' if want['InPktsOK'] else ''}; counted "
                + ", ".join(f"{k} {v}" for k, v in got.items() if v))
        wrong = ""
        if got["InPktsOK"] and not want["InPktsOK"]:
            wrong = f"{got['InPktsOK']} ACCEPTED by an SA other than the one that first received them"
        elif got["delivered"] != got["InPktsOK"]:
            wrong = f"{got['delivered']} delivered for {got['InPktsOK']} accepted"
        elif sum(got[k] for k in want) != len(raw):
            wrong = "not each counted once"
        elif st0[:3] == st1[:3]:
            exact += 1
            if any(got[k] != v for k, v in want.items()):
                wrong = f"expected {', '.join(f'{k} {v}' for k, v in want.items() if v)}"
        if wrong:
            line += "  <-- " + wrong
            bad += 1
        print(line, flush=True)
        time.sleep(max(0.0, every - (time.time() - t0)))
    print(json.dumps({"batches": n, "frames_each": len(raw), "checked_exactly": exact, "wrong": bad}))
    return 1 if bad or n == 0 else 0


def cmd_blast(seconds, *targets):
    """Full rate: batches of 256 round robin over the targets for SECONDS."""
    plans = []
    expect = {}
    for t in targets:
        iface, mix = t.split(":", 1)
        snd = Sender(iface)
        if mix.split(":")[0] in ("prot", "prot-xpn"):
            prot_kinds.n = 16
            prot_kinds.xpn = mix.startswith("prot-xpn:")
            kinds = prot_kinds(mix.split(":")[1].lower(), [])
        elif mix == "plain":
            plain_kinds.n = 128
            kinds = plain_kinds()
        elif mix.startswith("mkpdu:"):
            kinds = [("mkpdu", "gw.eapol_rx", mkpdu_pool(bytes.fromhex(mix[6:]), JUNK_SA, 256))]
        else:
            raise SystemExit(f"bad mix {mix}")
        frames, labels = [], []
        for _, counter, fs in kinds:
            frames += fs
            labels += [counter] * len(fs)
        # Batches that each hold a known count per counter.
        batches = []
        for i in range(0, len(frames), Sender.BATCH):
            per = {}
            for c in labels[i:i + Sender.BATCH]:
                per[c] = per.get(c, 0) + 1
            batches.append((snd.prepare(frames[i:i + Sender.BATCH]), per))
        plans.append((iface, snd, batches))
        expect[iface] = {}
    t_end = time.time() + float(seconds)
    k = 0
    while time.time() < t_end:
        for iface, snd, batches in plans:
            batch, per = batches[k % len(batches)]
            snd.send_prepared(batch)
            for c, v in per.items():
                expect[iface][c] = expect[iface].get(c, 0) + v
        k += 1
    out = {iface: {"sent": snd.sent, "refused": snd.refused, "per_counter": expect[iface]}
           for iface, snd, _ in plans}
    out["seconds"] = float(seconds)
    print(json.dumps(out))
    return 0


def cmd_flood(iface, seconds, ckn, src, *opts):
    rate = float(opts[opts.index("--rate") + 1]) if "--rate" in opts else 0.0
    snd = Sender(iface)
    pool = mkpdu_pool(bytes.fromhex(ckn), bytes.fromhex(src.replace(":", "")), 4096)
    batches = [snd.prepare(pool[i:i + Sender.BATCH]) for i in range(0, len(pool), Sender.BATCH)]
    t0 = time.time()
    t_end = t0 + float(seconds)
    k = 0
    while (now := time.time()) < t_end:
        if rate and snd.sent > rate * (now - t0):
            time.sleep(0.001)
            continue
        snd.send_prepared(batches[k % len(batches)])
        k += 1
    el = time.time() - t0
    # Even-numbered pool entries carry an unknown CKN, odd ones a bad ICV.
    print(json.dumps({"sent": snd.sent, "unknown_ckn": snd.sent // 2,
                      "bad_icv": snd.sent - snd.sent // 2, "seconds": round(el, 2),
                      "pps": round(snd.sent / el)}))
    return 0


def main(argv):
    cmds = {"pcap-info": cmd_pcap_info, "replay": cmd_replay, "replay-watch": cmd_replay_watch, "junk-prot": cmd_junk_prot,
            "junk-plain": cmd_junk_plain, "blast": cmd_blast, "flood": cmd_flood}
    if len(argv) < 2 or argv[1] not in cmds:
        print(__doc__)
        return 2
    return cmds[argv[1]](*argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
