#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""An IPv4 host on one 802.1Q VLAN of an interface, in scapy, for the interop VLAN case.

This machine's kernel has no 8021q (no VLAN devices), so the host end of the VLAN is this
script: `serve` answers ARP and ICMP echo for its address, tagged, until SIGTERM; `ping`
sends COUNT tagged echo requests to a peer and exits 0 when every one was answered.

usage: vlan_host.py serve IFACE VLAN MAC IP
       vlan_host.py ping IFACE VLAN MAC IP PEER_MAC PEER_IP COUNT [INTERVAL]
"""
import os
import select
import signal
import sys
import time

from scapy.all import ARP, ICMP, IP, Dot1Q, Ether, Raw, conf  # pylint: disable=no-name-in-module

conf.verb = 0


def tagged(pkt, vlan):
    """The 802.1Q layer of pkt if it is on vlan, else None."""
    q = pkt.getlayer(Dot1Q)
    return q if q is not None and q.vlan == vlan else None


def recv(sock, timeout):
    """One frame, or None after timeout seconds."""
    if not select.select([sock], [], [], max(timeout, 0))[0]:
        return None
    try:
        return sock.recv()
    except OSError:
        return None


def serve(iface, vlan, mac, ip):
    sock = conf.L2socket(iface=iface)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    answered = {"arp": 0, "icmp": 0}
    print(f"serving {ip} ({mac}) on {iface} VLAN {vlan}, pid {os.getpid()}", flush=True)
    while not stop:
        pkt = recv(sock, 0.2)
        if pkt is None or tagged(pkt, vlan) is None:
            continue
        if ARP in pkt and pkt[ARP].op == 1 and pkt[ARP].pdst == ip:
            a = pkt[ARP]
            sock.send(Ether(src=mac, dst=a.hwsrc) / Dot1Q(vlan=vlan) /
                      ARP(op=2, hwsrc=mac, psrc=ip, hwdst=a.hwsrc, pdst=a.psrc))
            answered["arp"] += 1
        elif IP in pkt and ICMP in pkt and pkt[IP].dst == ip and pkt[ICMP].type == 8:
            i, c = pkt[IP], pkt[ICMP]
            payload = bytes(c.payload)
            sock.send(Ether(src=mac, dst=pkt[Ether].src) / Dot1Q(vlan=vlan) /
                      IP(src=ip, dst=i.src) / ICMP(type=0, id=c.id, seq=c.seq) / Raw(payload))
            answered["icmp"] += 1
    print(f"answered ARP {answered['arp']}, ICMP echo {answered['icmp']}", flush=True)
    return 0


def ping(iface, vlan, mac, ip, peer_mac, peer_ip, count, interval):
    sock = conf.L2socket(iface=iface)
    ident = os.getpid() & 0xFFFF
    got = 0
    for seq in range(1, count + 1):
        t0 = time.monotonic()
        sock.send(Ether(src=mac, dst=peer_mac) / Dot1Q(vlan=vlan) /
                  IP(src=ip, dst=peer_ip) / ICMP(type=8, id=ident, seq=seq) / Raw(b"mgw-vlan" * 4))
        ok = False
        while time.monotonic() - t0 < 2.0 and not ok:
            pkt = recv(sock, 2.0 - (time.monotonic() - t0))
            if (pkt is not None and tagged(pkt, vlan) is not None and IP in pkt and ICMP in pkt
                    and pkt[IP].src == peer_ip and pkt[ICMP].type == 0
                    and pkt[ICMP].id == ident and pkt[ICMP].seq == seq):
                ok = True
        got += ok
        print(f"seq {seq}: {'reply' if ok else 'no reply'} "
              f"{(time.monotonic() - t0) * 1000:.1f} ms", flush=True)
        rest = interval - (time.monotonic() - t0)
        if rest > 0 and seq < count:
            time.sleep(rest)
    print(f"{count} packets transmitted, {got} packets received", flush=True)
    return 0 if got == count else 1


def main(argv):
    if len(argv) >= 5 and argv[0] == "serve":
        return serve(argv[1], int(argv[2]), argv[3], argv[4])
    if len(argv) >= 8 and argv[0] == "ping":
        return ping(argv[1], int(argv[2]), argv[3], argv[4], argv[5], argv[6], int(argv[7]),
                    float(argv[8]) if len(argv) > 8 else 0.2)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
