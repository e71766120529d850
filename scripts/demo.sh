#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The main job on an embedded default: two gateways keyed by MKA (pre-shared CAK) between two
# hosts in network namespaces, traffic through them with a live rekey, the wire seen by tshark,
# live counters and the MKA sessions. Cleans up after itself.
#
#   hA 192.0.2.1 --- [macsec-gw A] ===== MKA + MACsec (0x888E, 0x88E5) ===== [macsec-gw B] --- hB 192.0.2.2
#
# Env: SUITE (default gcm-aes-128), IPERF_SECONDS (default 6), KEYS=static for static SAs,
#      KEEP=1 keeps the work dir.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
[ "$(id -u)" -eq 0 ] || { echo "demo.sh: run as root (network namespaces)"; exit 1; }

scripts/setup.sh
[ -f build/build.ninja ] || meson setup build >/dev/null
ninja -C build >/dev/null

SUITE=${SUITE:-gcm-aes-128}
SECS=${IPERF_SECONDS:-6}
KEYS=${KEYS:-mka}
P=mgw-demo-
. "$ROOT/tests/system/lib.sh"
WORK=$(mktemp -d /tmp/mgw-demo.XXXXXX)
trap cleanup EXIT
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

umask 077
# Kernel rings of 2048 frames on the gateways' af_packet ports (512 by default): both gateways,
# both hosts and iperf3 share this box's CPUs, and a worker that loses its CPU for a moment
# overflowed the 512-frame ring (4-7 k frames "missed" a run, thousands of TCP retransmits;
# docs/operator-guide.md).
export AFP_OPTS=framecnt=2048
say "topology: hosts and gateways in namespaces ${P}hA ${P}gA ${P}gB ${P}hB"
topo_up
if [ "$KEYS" = static ]; then
	key_for "$SUITE" 1a >"$WORK/a.key"; key_for "$SUITE" 2b >"$WORK/b.key"
	write_gw_conf "$WORK/a.yaml" demoA "$WORK/a.sock" gA-plain gA-prot "$SUITE" "$WORK/a.key" "$WORK/b.key" "$GA_SCI" "$GB_SCI" 1 2
	write_gw_conf "$WORK/b.yaml" demoB "$WORK/b.sock" gB-plain gB-prot "$SUITE" "$WORK/b.key" "$WORK/a.key" "$GB_SCI" "$GA_SCI" 2 1
else
	# One pre-shared CAK (random, this run only) and its name: MKA derives and rotates the SAKs.
	n=32; [[ $SUITE == *256 ]] && n=64
	head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' | cut -c1-$n >"$WORK/cak"
	write_gw_conf_mka "$WORK/a.yaml" demoA "$WORK/a.sock" gA-plain gA-prot "$SUITE" "$WORK/cak" 64656d6f "$GA_SCI" 16 "sak_rekey_interval_s: 3600"
	write_gw_conf_mka "$WORK/b.yaml" demoB "$WORK/b.sock" gB-plain gB-prot "$SUITE" "$WORK/cak" 64656d6f "$GB_SCI" 32
fi
say "gateway A config ($WORK/a.yaml)"
cat "$WORK/a.yaml"

say "starting two gateways ($SUITE, keys: $KEYS)"
GA=$(gw_start a "${P}gA" "$WORK/a.yaml" "$WORK/a.log"); PIDS+=("$GA")
GB=$(gw_start b "${P}gB" "$WORK/b.yaml" "$WORK/b.log"); PIDS+=("$GB")
gw_wait_socket "$WORK/a.sock" "$GA" 20 || { cat "$WORK/a.log"; exit 1; }
gw_wait_socket "$WORK/b.sock" "$GB" 20 || { cat "$WORK/b.log"; exit 1; }
ip netns exec "${P}gA" tshark -q -i gA-prot -w "$WORK/wire.pcap" >/dev/null 2>&1 &
TS=$!; PIDS+=("$TS")
if [ "$KEYS" != static ]; then
	for _ in $(seq 1 100); do
		[ "$(ctl_get "$WORK/b.sock" "s['links'][0]['mka']['secured']")" = True ] && break
		sleep 0.1
	done
fi
grep -h "USER1" "$WORK/a.log" | grep -v "cannot set MTU" | sed 's/^/  A: /' || true
[ "$KEYS" = static ] || { say "MKA session on gateway A (macsecctl mka)"; "$CTL_BIN" -s "$WORK/a.sock" mka | sed -n '1,10p'; }

say "ping hA -> hB through the gateways"
ip netns exec "${P}hA" ping -c 5 -i 0.2 "$HOST_B_IP"

say "iperf3 hA -> hB, $SECS s, with live counters of gateway A$([ "$KEYS" = static ] || echo " (a rekey is forced half way)")"
ip netns exec "${P}hB" iperf3 -s -1 -B "$HOST_B_IP" >/dev/null 2>&1 &
PIDS+=("$!")
sleep 0.5
"$CTL_BIN" -s "$WORK/a.sock" watch -i 1 -n $((SECS + 1)) &
W=$!; PIDS+=("$W")
if [ "$KEYS" != static ]; then
	( sleep $((SECS / 2)); "$CTL_BIN" -s "$WORK/a.sock" rekey demoA >/dev/null ) &
	PIDS+=("$!")
fi
ip netns exec "${P}hA" iperf3 -c "$HOST_B_IP" -t "$SECS" | grep -E "sender|receiver"
wait "$W" || true

say "the wire: EtherTypes tshark saw on gA-prot"
stop_pid "$TS"
tshark -r "$WORK/wire.pcap" -T fields -e eth.type 2>/dev/null | sort | uniq -c
tshark -r "$WORK/wire.pcap" -Y eapol 2>/dev/null | head -2 | sed 's/^/  /' || true
tshark -r "$WORK/wire.pcap" -Y macsec 2>/dev/null | head -2 | sed 's/^/  /' || true

if [ "$KEYS" != static ]; then
	say "macsecctl mka (gateway A: key server, peers, rekeys)"
	"$CTL_BIN" -s "$WORK/a.sock" mka | sed -n '1,11p'
	grep -h "SAK key number" "$WORK/a.log" | sed 's/^/  A: /'
fi
say "macsecctl show (gateway A)"
"$CTL_BIN" -s "$WORK/a.sock" show
say "macsecctl stats (gateway B)"
"$CTL_BIN" -s "$WORK/b.sock" stats

say "stopping (keys are wiped on exit)"
