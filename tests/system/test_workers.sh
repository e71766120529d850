#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Two workers share one SA each way in the gateway (net_pcap ports, no timing assertions).
# Protected side: one RX queue, its worker hands bursts round robin to both workers; every
# frame is delivered once and, with preserve_order, in arrival order out of one TX queue,
# at replay window 0. Plain side: two RSS queues, one per worker, one shared TX SA: every
# PN used once. Counters exact. Runs preserve_order on (window 0) and off (window 256).
#
#   clear_a.pcap --q0--> [plain                  ] --q0--> prot_out0.pcap  \  scapy: all valid,
#   clear_b.pcap --q1--> [      macsec-gw  w0 w1 ] --q1--> prot_out1.pcap  /  PNs 1..2N once
#   plain_out0.pcap <--q0-- [     (w0 dispatches) protected] <--q0-- prot_in.pcap (scapy,
#   plain_out1.pcap <--q1-- [                              ]         some ICVs forged)
#
# usage: test_workers.sh [SUITE]
set -euo pipefail
SUITE=${1:-gcm-aes-128}
. "$(dirname "$0")/lib.sh"
WORK=$(mktemp -d /tmp/mgw-workers.XXXXXX)
trap 'stop_pid "${PIDS[@]}"; [ -n "${KEEP:-}" ] || rm -rf "$WORK"' EXIT
N=3000           # frames each way
FORGE_EVERY=47   # every 47th protected frame gets a bad ICV
umask 077
key_for "$SUITE" 4d >"$WORK/tx.key"; key_for "$SUITE" 5e >"$WORK/rx.key"
MY_SCI=0200000a01000001; PEER_SCI=0200000b01000001
SA_TX="$SUITE:$(cat "$WORK/tx.key"):$MY_SCI"; SA_RX="$SUITE:$(cat "$WORK/rx.key"):$PEER_SCI"
if [[ $SUITE == *xpn* ]]; then SA_TX+=":1:$XPN_SALT"; SA_RX+=":2:$XPN_SALT"; fi

$PY "$FRAMES" gen-clear "$WORK/clear.pcap" $N
$PY "$FRAMES" protect "$WORK/clear.pcap" "$WORK/prot_ok.pcap" "$SA_RX"
# Forge some ICVs; split the clear frames over two plain RX queues; the validated output
# expected: the clear frames whose protected copy was not forged, in order.
$PY - "$WORK" $FORGE_EVERY <<'PY'
import sys
from scapy.all import rdpcap, wrpcap, Ether
w, every = sys.argv[1], int(sys.argv[2])
clear, prot = rdpcap(f"{w}/clear.pcap"), rdpcap(f"{w}/prot_ok.pcap")
out, want = [], []
for i, (c, p) in enumerate(zip(clear, prot)):
    b = bytearray(bytes(p))
    if (i + 1) % every == 0:
        b[-1] ^= 0x01
    else:
        want.append(c)
    out.append(Ether(bytes(b)))
wrpcap(f"{w}/prot_in.pcap", out)
wrpcap(f"{w}/want_plain.pcap", want)
wrpcap(f"{w}/clear_a.pcap", clear[0::2])
wrpcap(f"{w}/clear_b.pcap", clear[1::2])
PY
FORGED=$((N / FORGE_EVERY))

run() { # MODE WINDOW
	local mode=$1 window=$2 order=true d="$WORK/$1" done_n i
	[ "$mode" = unordered ] && order=false
	mkdir -p "$d"
	write_gw_conf "$d/gw.yaml" wk "$d/gw.sock" x x "$SUITE" "$WORK/tx.key" "$WORK/rx.key" \
		"$MY_SCI" "$PEER_SCI" 1 2
	sed -i "s|^workers: \[1\]|workers: [1, 2]|; s|replay_window: 64|replay_window: $window\n      preserve_order: $order|" "$d/gw.yaml"
	sed -i "s|port: \"net_af_packet_wkp,iface=x,qpairs=1\"|port: \"net_pcap_p$mode,rx_pcap=$WORK/clear_a.pcap,rx_pcap=$WORK/clear_b.pcap,tx_pcap=$d/plain_out0.pcap,tx_pcap=$d/plain_out1.pcap\", rx_queues: 2|" "$d/gw.yaml"
	sed -i "s|port: \"net_af_packet_wkx,iface=x,qpairs=1\"|port: \"net_pcap_x$mode,rx_pcap=$WORK/prot_in.pcap,tx_pcap=$d/prot_out0.pcap,tx_pcap=$d/prot_out1.pcap\"|" "$d/gw.yaml"
	grep -q "net_pcap_x$mode" "$d/gw.yaml" && grep -q "workers: \[1, 2\]" "$d/gw.yaml" || fail "config rewrite"

	# Three lcores on whatever CPUs there are: the control lcore shares CPU 0 with worker 1.
	"$GW_BIN" --no-huge -m 512 --no-pci --no-telemetry --file-prefix "mgw-wk-$$-$mode" \
		--lcores "0@0,1@0,2@$(($(nproc) > 1 ? 1 : 0))" --main-lcore 0 \
		-- -c "$d/gw.yaml" >"$d/gw.log" 2>&1 &
	GW=$!; PIDS+=("$GW")
	gw_wait_socket "$d/gw.sock" "$GW" 20 || { cat "$d/gw.log"; fail "$mode: gateway did not start"; }
	grep -q "validated on 2 workers" "$d/gw.log" || { cat "$d/gw.log"; fail "$mode: protected side not spread"; }
	for i in $(seq 1 300); do
		done_n=$(ctl_get "$d/gw.sock" "s['links'][0]['tx_sc']['OutPktsEncrypted'] + sum(s['links'][0]['rx_sc'][0][k] for k in ('InPktsOK', 'InPktsNotValid', 'InPktsLate'))")
		[ "$done_n" -ge $((2 * N)) ] && break
		sleep 0.1
	done
	ctl_get "$d/gw.sock" "s['links'][0]['rx_sc'][0]" >"$d/rx_sc.txt"
	ctl_get "$d/gw.sock" "s['links'][0]['tx_sc']['OutPktsEncrypted']" >"$d/tx.txt"
	stop_pid "$GW"       # pcap files are complete once the ports close
	[ "$done_n" -eq $((2 * N)) ] || { cat "$d/rx_sc.txt"; fail "$mode: processed $done_n of $((2 * N))"; }
	$PY - "$d" $N $FORGED "$mode" <<'PY' || fail "$mode: counters"
import ast, sys
d, n, forged, mode = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
rx = ast.literal_eval(open(f"{d}/rx_sc.txt").read())
tx = int(open(f"{d}/tx.txt").read())
want = {"InPktsOK": n - forged, "InPktsNotValid": forged, "InPktsLate": 0, "InPktsDelayed": 0,
        "InPktsInvalid": 0, "InPktsUnchecked": 0, "InPktsNotUsingSA": 0, "InPktsUnusedSA": 0}
bad = [f"{k} {rx[k]} (want {v})" for k, v in want.items() if rx[k] != v]
if tx != n:
    bad.append(f"OutPktsEncrypted {tx} (want {n})")
print(f"{mode}: rx SC " + ", ".join(f"{k} {rx[k]}" for k in want) + f"; OutPktsEncrypted {tx}")
if bad:
    sys.exit("counters wrong: " + "; ".join(bad))
PY
	# Protected output: every frame validates; PNs 1..N, each once, across both TX queues.
	$PY - "$d" <<'PY' || fail "$mode: merging the protected output"
import sys
from scapy.all import rdpcap, wrpcap
d = sys.argv[1]
wrpcap(f"{d}/prot_out.pcap", list(rdpcap(f"{d}/prot_out0.pcap")) + list(rdpcap(f"{d}/prot_out1.pcap")))
PY
	$PY "$FRAMES" check "$d/prot_out.pcap" "$SA_TX" --min $N || fail "$mode: protected output"
	$PY - "$d" $N <<'PY' || fail "$mode: transmit PNs"
import struct, sys
from scapy.all import rdpcap
d, n = sys.argv[1], int(sys.argv[2])
pns = [struct.unpack("!I", bytes(f)[16:20])[0] for q in (0, 1) for f in rdpcap(f"{d}/prot_out{q}.pcap")]
per_q = [len(rdpcap(f"{d}/prot_out{q}.pcap")) for q in (0, 1)]
print(f"transmit: {len(pns)} frames ({per_q[0]} + {per_q[1]} per worker), PNs {min(pns)}..{max(pns)}")
if sorted(pns) != list(range(1, n + 1)):
    sys.exit("PNs are not 1..N each once")
PY
	# Validated output: each frame once; ordered: in arrival order, all from the dispatcher's queue.
	$PY - "$d" "$WORK/want_plain.pcap" "$mode" <<'PY' || fail "$mode: validated output"
import sys
from scapy.all import rdpcap
d, want_f, mode = sys.argv[1], sys.argv[2], sys.argv[3]
want = [bytes(f) for f in rdpcap(want_f)]
q = [[bytes(f) for f in rdpcap(f"{d}/plain_out{i}.pcap")] for i in (0, 1)]
print(f"validated: {len(q[0])} + {len(q[1])} frames out of the plain TX queues, {len(want)} expected")
if sorted(q[0] + q[1]) != sorted(want):
    sys.exit("not every expected frame exactly once")
if mode == "ordered":
    got = q[0] if q[0] else q[1]
    if (q[0] and q[1]) or got != want:
        sys.exit("not in arrival order out of one queue")
PY
	echo "ok $mode"
}

run ordered 0
run unordered 256
echo "PASS workers $SUITE"
