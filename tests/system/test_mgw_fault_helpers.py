#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""mgw_fault.replay_counted on stats documents made up for the cases a live run hits only by
chance: the replayed SCI's receive SC deleted and made anew during a batch (MKA: the peer
left and came back), deleted and not yet back, new since the batch began, and another SC
that counts its own frames meanwhile. Exit 1 on any wrong delta."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mgw_fault as f  # noqa: E402

KEYS = ("InPktsNotUsingSA", "InPktsLate", "InPktsNotValid", "InPktsOK")
B, C = "0200000b01000001", "0200000c01000001"


def sc(sci, **c):
    return {"sci": sci, **{k: c.get(k, 0) for k in KEYS}}


def doc(scs, removed=None, noscI=0, opackets=0):
    """A stats document: its SCs, and the counts of SCs deleted before it (removed)."""
    tot = {k: sum(s[k] for s in scs) + (removed or {}).get(k, 0) for k in KEYS}
    return {"rx_sc": scs, "rx_sc_totals": tot, "secy": {"InPktsNoSCI": noscI},
            "gateway": {"port_closed_drop": 0}, "ports": {"plain": {"opackets": opackets}}}


bad = 0


def case(name, a, b, want):
    global bad
    got = f.replay_counted(a, b, B)
    diff = {k: (got[k], v) for k, v in want.items() if got[k] != v}
    print(f"{'ok  ' if not diff else 'WRONG'} {name}" + (f": got/want {diff}" if diff else ""))
    bad += bool(diff)


# 1. B's SC stays: its own deltas; C's traffic is not B's.
case("same SC", doc([sc(B, InPktsOK=500, InPktsLate=600), sc(C, InPktsOK=10)]),
     doc([sc(B, InPktsOK=554, InPktsLate=696), sc(C, InPktsOK=13)], opackets=54),
     {"InPktsOK": 54, "InPktsLate": 96, "delivered": 54})
# 2. B's SC counts 54 OK and 96 late, is deleted (its counts kept in the totals), and a new
#    one counts 150 frames on no SA in use; C counts 3 meanwhile.
case("SC deleted and made anew", doc([sc(B, InPktsOK=500, InPktsLate=600), sc(C, InPktsOK=10)]),
     doc([sc(B, InPktsNotUsingSA=150), sc(C, InPktsOK=13)],
         removed={"InPktsOK": 554, "InPktsLate": 696}, opackets=54),
     {"InPktsOK": 54, "InPktsLate": 96, "InPktsNotUsingSA": 150, "delivered": 54})
# 3. Deleted during the batch and not back yet: the rest went to InPktsNoSCI.
case("SC deleted", doc([sc(B, InPktsOK=500), sc(C)]),
     doc([sc(C)], removed={"InPktsOK": 520}, noscI=130, opackets=20),
     {"InPktsOK": 20, "InPktsNoSCI": 130, "delivered": 20})
# 4. New since the batch began (absent in a).
case("SC new", doc([sc(C, InPktsOK=10)], removed={"InPktsOK": 554}, noscI=5),
     doc([sc(B, InPktsNotUsingSA=145), sc(C, InPktsOK=10)], removed={"InPktsOK": 554}, noscI=10),
     {"InPktsNotUsingSA": 145, "InPktsNoSCI": 5, "InPktsOK": 0})
# 5. Another SC new since the batch began: its counts are its own.
case("other SC new", doc([sc(B, InPktsLate=10)]),
     doc([sc(B, InPktsLate=160), sc(C, InPktsOK=7)]),
     {"InPktsLate": 150, "InPktsOK": 0})
sys.exit(1 if bad else 0)
