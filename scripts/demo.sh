#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The main job on an embedded default: two gateways between two hosts in network namespaces,
# traffic through them, the wire seen by tshark, live counters. Cleans up after itself.
#
#   hA 192.0.2.1 --- [macsec-gw A] ===== MACsec (0x88E5) ===== [macsec-gw B] --- hB 192.0.2.2
#
# Env: SUITE (default gcm-aes-128), IPERF_SECONDS (default 5), KEEP=1 keeps the work dir.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
[ "$(id -u)" -eq 0 ] || { echo "demo.sh: run as root (network namespaces)"; exit 1; }

scripts/setup.sh
[ -f build/build.ninja ] || meson setup build >/dev/null
ninja -C build >/dev/null

SUITE=${SUITE:-gcm-aes-128}
P=mgw-demo-
. "$ROOT/tests/system/lib.sh"
WORK=$(mktemp -d /tmp/mgw-demo.XXXXXX)
trap cleanup EXIT
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

umask 077
key_for "$SUITE" 1a >"$WORK/a.key"; key_for "$SUITE" 2b >"$WORK/b.key"
say "topology: hosts and gateways in namespaces ${P}hA ${P}gA ${P}gB ${P}hB"
topo_up
write_gw_conf "$WORK/a.yaml" demoA "$WORK/a.sock" gA-plain gA-prot "$SUITE" "$WORK/a.key" "$WORK/b.key" "$GA_SCI" "$GB_SCI" 1 2
write_gw_conf "$WORK/b.yaml" demoB "$WORK/b.sock" gB-plain gB-prot "$SUITE" "$WORK/b.key" "$WORK/a.key" "$GB_SCI" "$GA_SCI" 2 1
say "gateway A config ($WORK/a.yaml)"
cat "$WORK/a.yaml"

say "starting two gateways ($SUITE, static keys)"
GA=$(gw_start a "${P}gA" "$WORK/a.yaml" "$WORK/a.log"); PIDS+=("$GA")
GB=$(gw_start b "${P}gB" "$WORK/b.yaml" "$WORK/b.log"); PIDS+=("$GB")
gw_wait_socket "$WORK/a.sock" "$GA" 20 || { cat "$WORK/a.log"; exit 1; }
gw_wait_socket "$WORK/b.sock" "$GB" 20 || { cat "$WORK/b.log"; exit 1; }
grep -h "USER1" "$WORK/a.log" | sed 's/^/  A: /' || true

ip netns exec "${P}gA" tshark -q -i gA-prot -w "$WORK/wire.pcap" >/dev/null 2>&1 &
TS=$!; PIDS+=("$TS")
sleep 1.5

say "ping hA -> hB through the gateways"
ip netns exec "${P}hA" ping -c 5 -i 0.2 "$HOST_B_IP"

say "iperf3 hA -> hB, ${IPERF_SECONDS:-5} s, with live counters of gateway A"
ip netns exec "${P}hB" iperf3 -s -1 -B "$HOST_B_IP" >/dev/null 2>&1 &
PIDS+=("$!")
sleep 0.5
"$CTL_BIN" -s "$WORK/a.sock" watch -i 1 -n $((${IPERF_SECONDS:-5} + 1)) &
W=$!; PIDS+=("$W")
ip netns exec "${P}hA" iperf3 -c "$HOST_B_IP" -t "${IPERF_SECONDS:-5}" | grep -E "sender|receiver"
wait "$W" || true

say "the wire: EtherTypes tshark saw on gA-prot"
stop_pid "$TS"
tshark -r "$WORK/wire.pcap" -T fields -e eth.type 2>/dev/null | sort | uniq -c
tshark -r "$WORK/wire.pcap" -c 4 2>/dev/null | sed 's/^/  /'

say "macsecctl show (gateway A)"
"$CTL_BIN" -s "$WORK/a.sock" show
say "macsecctl stats (gateway B)"
"$CTL_BIN" -s "$WORK/b.sock" stats

say "stopping (keys are wiped on exit)"
