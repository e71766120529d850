#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Junk on every port of two static-key gateways while a paced ping crosses them: each kind of
# bad frame lands, exactly, in its 802.1AE counter (docs/counters.md, docs/conformance.md);
# then every kind at once at full rate on all four ports: no crash, every frame that reached
# a gateway counted once, and the ping loses nothing.
#
#                    ns ${P}in: mgw_fault.py, one veth per gateway port
#         iAp              iAx                           iBx              iBp
#          | tc mirred      | tc mirred                   | tc mirred      | tc mirred
#          v (ingress)      v (ingress)                   v (ingress)      v (ingress)
#   hA --- gA-plain [gw A] gA-prot ====== the wire ====== gB-prot [gw B] gB-plain --- hB
#   192.0.2.1                         (MACsec, static SAs)                     192.0.2.2
#
# The injector's frames enter a port's receive path as if they came from its cable (the
# gateway's af_packet socket sees them; the far gateway and the hosts do not), without the
# veth MTU check: oversize frames reach the gateway too.
#
# usage: test_fault_junk.sh [SUITE]
set -euo pipefail
SUITE=${1:-gcm-aes-128}
P="mgw-fj${SUITE//[^0-9x]/}-"
. "$(dirname "$0")/lib.sh"
FAULT="$ROOT/tests/system/mgw_fault.py"
WORK=$(mktemp -d /tmp/mgw-fault-junk.XXXXXX)
cleanup_fault() { cleanup; inject_ns_down; }
trap cleanup_fault EXIT
[ -x "$GW_BIN" ] || fail "no $GW_BIN (build first)"
umask 077
XPN=""; BMIX=prot; [[ $SUITE == *xpn* ]] && { XPN=--xpn; BMIX=prot-xpn; }

topo_up
inject_ns_up
inject_port "${P}gA" gA-plain iAp
inject_port "${P}gA" gA-prot iAx
inject_port "${P}gB" gB-prot iBx
inject_port "${P}gB" gB-plain iBp

key_for "$SUITE" 1a >"$WORK/a.key"; key_for "$SUITE" 2b >"$WORK/b.key"
write_gw_conf "$WORK/a.yaml" ja "$WORK/a.sock" gA-plain gA-prot "$SUITE" "$WORK/a.key" "$WORK/b.key" "$GA_SCI" "$GB_SCI" 1 2
write_gw_conf "$WORK/b.yaml" jb "$WORK/b.sock" gB-plain gB-prot "$SUITE" "$WORK/b.key" "$WORK/a.key" "$GB_SCI" "$GA_SCI" 2 1
GA=$(gw_start a "${P}gA" "$WORK/a.yaml" "$WORK/a.log"); PIDS+=("$GA")
GB=$(gw_start b "${P}gB" "$WORK/b.yaml" "$WORK/b.log"); PIDS+=("$GB")
gw_wait_socket "$WORK/a.sock" "$GA" 20 || { cat "$WORK/a.log"; fail "gateway A did not start"; }
gw_wait_socket "$WORK/b.sock" "$GB" 20 || { cat "$WORK/b.log"; fail "gateway B did not start"; }

# The first 40 frames each gateway sends are captured at the far end, to be replayed later as
# old PNs. (BPF: the SecTAG's SCI at frame offset 20.)
sci_bpf() { echo "ether proto 0x88e5 and ether[20:4] = 0x${1:0:8} and ether[24:4] = 0x${1:8:8}"; }
ip netns exec "${P}gB" tshark -q -i gB-prot -F pcap -w "$WORK/fromA.pcap" -c 40 -a duration:30 \
	-f "$(sci_bpf "$GA_SCI")" >/dev/null 2>&1 &
PIDS+=("$!"); TSB=$!
ip netns exec "${P}gA" tshark -q -i gA-prot -F pcap -w "$WORK/fromB.pcap" -c 40 -a duration:30 \
	-f "$(sci_bpf "$GB_SCI")" >/dev/null 2>&1 &
PIDS+=("$!"); TSA=$!
sleep 1.5
# 300 echo requests and replies: both SAs' nextPN end far past the captured PNs + the window.
ip netns exec "${P}hA" ping -c 300 -i 0.005 -W 2 -q "$HOST_B_IP" >"$WORK/warm" || { cat "$WORK/warm"; fail "warm-up ping"; }
wait "$TSA" "$TSB" 2>/dev/null || true
for d in A B; do
	$PY "$FAULT" pcap-info "$WORK/from$d.pcap" "$(eval echo \$G${d}_SCI)" | sed "s/^/captured from $d: /"
done

# snap TAG: into $WORK/{a,b}.TAG each gateway's counters (mgw_fault.flat). A port's imissed
# holds its af_packet socket's kernel ring drops (the gateway adds them up: DPDK 22.11's PMD
# does not; tests/system/test_port_kernel_drops.sh checks them against frames sent).
snap() {
	$PY - "$ROOT/tests/system" "$CTL_BIN" "$WORK" "$1" <<'PY'
import json, sys
sys.path.insert(0, sys.argv[1])
import mgw_fault as f
ctl, w, tag = sys.argv[2:5]
for g in "ab":
    json.dump(f.flat(f.stats(ctl, f"{w}/{g}.sock")), open(f"{w}/{g}.{tag}", "w"))
PY
}
ping_lost() { $PY -c "import re,sys; m=re.search(r'(\d+) packets transmitted, (\d+) received', open('$1').read()); print(int(m[1]) - int(m[2]) if m else -1)"; }
gw_alive() {
	local g
	for g in A B; do
		kill -0 "$(eval echo \$G$g)" 2>/dev/null || { tail "$WORK/${g,,}.log"; fail "gateway $g died ($1)"; }
		timeout 5 "$CTL_BIN" -s "$WORK/${g,,}.sock" status >/dev/null || fail "gateway $g does not answer ($1)"
	done
}
snap 0

# Each kind in turn, a burst of 64 at the socket's full speed, on all four ports, while a
# paced ping (100 echo requests a second) crosses: the ping must lose nothing.
ip netns exec "${P}hA" ping -c 1000 -i 0.01 -W 2 -q "$HOST_B_IP" >"$WORK/ping1" 2>&1 &
PING=$!; PIDS+=("$PING")
t0=$(date +%s)
echo "--- B's protected port, each kind of bad frame in turn"
ip netns exec "${P}in" $PY "$FAULT" junk-prot iBx "$CTL_BIN" "$WORK/b.sock" "$GA_SCI" "$WORK/fromA.pcap" $XPN ||
	fail "B's protected port: a kind of frame missed its counter"
echo "--- A's protected port"
ip netns exec "${P}in" $PY "$FAULT" junk-prot iAx "$CTL_BIN" "$WORK/a.sock" "$GB_SCI" "$WORK/fromB.pcap" $XPN ||
	fail "A's protected port: a kind of frame missed its counter"
echo "--- A's plain port"
ip netns exec "${P}in" $PY "$FAULT" junk-plain iAp "$CTL_BIN" "$WORK/a.sock" || fail "A's plain port"
echo "--- B's plain port"
ip netns exec "${P}in" $PY "$FAULT" junk-plain iBp "$CTL_BIN" "$WORK/b.sock" || fail "B's plain port"
echo "classified phase: $(( $(date +%s) - t0 )) s"
wait "$PING" || true
tail -2 "$WORK/ping1"
[ "$(ping_lost "$WORK/ping1")" = 0 ] || fail "the paced ping lost frames during the classified junk"
gw_alive "after the classified junk"

# Full rate: every kind at once, all four ports, 5 s, the ping again.
snap 1
ip netns exec "${P}hA" ping -c 500 -i 0.01 -W 2 -q "$HOST_B_IP" >"$WORK/ping2" 2>&1 &
PING=$!; PIDS+=("$PING")
ip netns exec "${P}in" $PY "$FAULT" blast 5 "iBx:$BMIX:$GA_SCI" "iAx:$BMIX:$GB_SCI" iAp:plain iBp:plain \
	>"$WORK/blast.json" || fail "blast"
wait "$PING" || true
gw_alive "after the full-rate junk"
tail -2 "$WORK/ping2"
sleep 1
snap 2

# Accounting over the full-rate phase: every frame sent is either counted by the gateway
# or dropped by the kernel, on a count the kernel keeps.
$PY - "$WORK" "$ROOT/tests/system" "$(ping_lost "$WORK/ping2")" <<'PY' || fail "accounting"
import json, sys
w, lost_ping = sys.argv[1], int(sys.argv[3])
sys.path.insert(0, sys.argv[2])
import mgw_fault as f
ld = lambda n: json.load(open(f"{w}/{n}"))
blast = ld("blast.json")
bad = 0
def check(cond, msg):
    global bad
    if not cond:
        print("  WRONG:", msg)
        bad += 1
D = {g: f.delta(ld(g + ".1"), ld(g + ".2")) for g in "ab"}
ring_lost_path = 0
for g, o, G, O, prot_if, plain_if in (("a", "b", "A", "B", "iAx", "iAp"), ("b", "a", "B", "A", "iBx", "iBp")):
    d, e = D[g], D[o]
    sp, sl = blast[prot_if], blast[plain_if]
    print(f"gateway {G}, protected port: {sp['sent']} junk frames sent "
          f"({sp['sent'] / blast['seconds']:.0f}/s) + {O}'s MACsec frames")
    # 1. the gateway took every frame its socket's ring held, and counted each once
    counted = d["InPktsOK"] + sum(d[k] for k in f.IN_DROPS) + d["gw.eapol_rx"]
    print(f"  socket ring full dropped {d['protected.imissed']} (imissed), "
          f"port took {d['protected.ipackets']}, counters hold {counted}")
    check(counted == d["protected.ipackets"], "frames taken in but not counted exactly once")
    # 2. junk per counter: never more than sent; what is short is ring drops, with the peer's
    #    lost good frames (protected by the peer, not validated here)
    junk_counted = sum(d[k] for k in f.IN_DROPS)
    good_lost = e["OutPktsEncrypted"] - e["gw.protected_tx_drop"] - d["InPktsOK"]
    print("  junk counted: " + ", ".join(f"{k} {d[k]}/{v}" for k, v in sorted(sp["per_counter"].items())))
    print(f"  {O} protected {e['OutPktsEncrypted']} (tx ring full {e['gw.protected_tx_drop']}), {G} validated "
          f"{d['InPktsOK']}: {good_lost} lost; junk lost {sp['sent'] - junk_counted}")
    for k in f.IN_DROPS:
        check(d[k] <= sp["per_counter"].get(k, 0), f"{k} moved by {d[k]} for {sp['per_counter'].get(k, 0)} sent")
    check(good_lost + sp["sent"] - junk_counted == d["protected.imissed"],
          "frames lost on the way that no ring drop accounts for")
    # 3. the plain port the same way; its junk is protected (carried to the peer) or too long
    counted = d["OutPktsEncrypted"] + d["OutPktsProtected"] + sum(d[k] for k in f.OUT_DROPS)
    print(f"gateway {G}, plain port: {sl['sent']} junk frames sent ({sl['sent'] / blast['seconds']:.0f}/s) + hA/hB's")
    print(f"  socket ring full dropped {d['plain.imissed']} (imissed), "
          f"port took {d['plain.ipackets']}, counters hold {counted} (OutPktsTooLong "
          f"{d['OutPktsTooLong']}/{sl['per_counter']['OutPktsTooLong']})")
    check(counted == d["plain.ipackets"], "plain frames taken in but not counted exactly once")
    for k in f.OUT_DROPS:
        check(d[k] <= sl["per_counter"].get(k, 0), f"{k} moved by {d[k]} for {sl['per_counter'].get(k, 0)} sent")
    ring_lost_path += d["protected.imissed"] + d["plain.imissed"]
print(f"paced ping under full-rate junk: {lost_ping} of 500 lost; the gateways' socket rings dropped "
      f"{ring_lost_path} frames on its path")
check(0 <= lost_ping <= ring_lost_path, "the ping lost frames no ring drop accounts for")
sys.exit(1 if bad else 0)
PY
echo "PASS fault-junk $SUITE"
