#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""MKPDUs encoded by lib/mka must dissect in tshark as EAPOL-MKA: no [Malformed, no expert info.

Two captures: one sample MKPDU of each shape (with field checks), and every MKPDU that
simulated participants sent while securing and rekeying (GCM-AES-128; XPN-256 tagged).

usage: tshark_check.py <mkpdu_pcap> <mka_sim_pcap> <work dir>
"""
import os
import shutil
import subprocess
import sys

SKIP = 77  # meson: test skipped


def run(cmd):
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def check_dissection(tshark, pcap, names, bad):
    """Every frame is EAPOL-MKA, none malformed, no expert info; returns the -V text."""
    verbose = run([tshark, "-r", pcap, "-V"])
    frames = verbose.split("\nFrame ")
    if len(frames) != len(names):
        bad.append(f"{pcap}: {len(frames)} frames dissected, {len(names)} written")
    for name, text in zip(names, frames):
        if "MACsec Key Agreement" not in text or "Type: MKA (5)" not in text:
            bad.append(f"{name}: not dissected as EAPOL-MKA")
        if "[Malformed" in text:
            bad.append(f"{name}: malformed")
        if "Expert Info" in text:
            bad.append(f"{name}: expert info")
    expert = run([tshark, "-r", pcap, "-q", "-z", "expert"])
    for line in expert.splitlines():
        if line.strip() and not line.startswith("=") and "No expert" not in line:
            bad.append(f"{pcap}: expert: {line.strip()}")
    return verbose


def check_fields(tshark, pcap, names, bad):
    """A few fields, to see that tshark read what we meant."""
    fields = run([tshark, "-r", pcap, "-T", "fields", "-E", "separator=|",
                  "-e", "mka.version_id", "-e", "mka.key_server", "-e", "mka.macsec_capability",
                  "-e", "mka.distributed_an", "-e", "mka.macsec_cipher_suite",
                  "-e", "mka.key_server_ssci", "-e", "mka.latest_key_an"]).splitlines()
    want = {
        "dist-sak-gcm-aes-128": ("3", None, "3", "2", "", None, "2"),
        "dist-sak-gcm-aes-256": ("3", None, "3", "2", str(0x0080C20001000002), None, "2"),
        "dist-sak-xpn-256": ("3", None, "3", "2", str(0x0080C20001000004), "0x02", "2"),
    }
    seen = 0
    for name, line in zip(names, fields):
        cols = line.split("|")
        exp = want.get(name)
        if not exp:
            continue
        seen += 1
        for i, e in enumerate(exp):
            if e is not None and cols[i] != e:
                bad.append(f"{name}: field {i} is '{cols[i]}', want '{e}'")
    if seen != len(want):
        bad.append(f"field checks ran on {seen} of {len(want)} samples")


def main():
    gen, sim_gen, work = sys.argv[1], sys.argv[2], sys.argv[3]
    tshark = shutil.which("tshark")
    if not tshark:
        print("tshark not installed")
        return SKIP
    os.makedirs(work, exist_ok=True)
    bad = []

    pcap = os.path.join(work, "mka-samples.pcap")
    names = [line.split(" ", 1)[1] for line in run([gen, pcap]).splitlines()]
    check_dissection(tshark, pcap, names, bad)
    check_fields(tshark, pcap, names, bad)

    sim_pcap = os.path.join(work, "mka-sim.pcap")
    out = run([sim_gen, sim_pcap])
    n_sim = int([w for w in out.split("\n") if w.endswith(" frames")][0].split()[0])
    text = check_dissection(tshark, sim_pcap, [f"sim frame {i + 1}" for i in range(n_sim)], bad)
    for what, least in (("Distributed SAK parameter set", 6), ("Extended Packet Numbering set", 3),
                        ("802.1Q Virtual LAN", 10), ("Announcement parameter set", 10),
                        ("Integrity Check Value Indicator", 10), ("MACsec SAK Use", 20)):
        if text.count(what) < least:
            bad.append(f"sim capture: fewer than {least} frames with {what}")

    for b in bad:
        print("FAIL:", b)
    print(f"{len(names)} sample MKPDUs and {n_sim} simulated ones checked")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
