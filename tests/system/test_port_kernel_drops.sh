#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A net_af_packet port's kernel ring drops show as its imissed. DPDK 22.11's PMD leaves them
# out, so a gateway whose worker cannot keep up would lose frames where no counter shows it.
# The gateway is frozen (SIGSTOP) while N frames arrive on its protected port, whose kernel
# ring holds 64: the kernel drops the rest. After SIGCONT, ipackets + imissed must equal N
# (nothing else reaches that port), imissed must be at least N - 64, and it must stay put on
# a second read: the kernel's PACKET_STATISTICS reset when read, so the gateway adds them up.
# (ss's skmem "d" is no oracle here: the kernel counts ring drops only in PACKET_STATISTICS.)
#
#   ns ${P}gB: sender --- gB-prot ===== gA-prot [macsec-gw A, frozen] gA-plain --- hA
#
# usage: test_port_kernel_drops.sh [N]
set -euo pipefail
N=${1:-2000}
FRAMECNT=64
P="mgw-kd-"
. "$(dirname "$0")/lib.sh"
WORK=$(mktemp -d /tmp/mgw-kdrops.XXXXXX)
trap 'kill -CONT "${GA:-0}" 2>/dev/null || true; cleanup' EXIT
[ -x "$GW_BIN" ] || fail "no $GW_BIN (build first)"
umask 077

topo_up
key_for gcm-aes-128 31 >"$WORK/tx.key"; key_for gcm-aes-128 32 >"$WORK/rx.key"
AFP_PROT_OPTS=framecnt=$FRAMECNT write_gw_conf "$WORK/a.yaml" kd "$WORK/a.sock" gA-plain gA-prot \
	gcm-aes-128 "$WORK/tx.key" "$WORK/rx.key" "$GA_SCI" "$GB_SCI" 1 2
GA=$(gw_start a "${P}gA" "$WORK/a.yaml" "$WORK/a.log"); PIDS+=("$GA")
gw_wait_socket "$WORK/a.sock" "$GA" 20 || { cat "$WORK/a.log"; fail "gateway A did not start"; }
grep -q "AF_PACKET sockets" "$WORK/a.log" && { cat "$WORK/a.log"; fail "the gateway did not find its port's sockets"; }
port() { ctl_get "$WORK/a.sock" "s['links'][0]['ports']['protected']['$1']"; }
m0=$(port imissed); i0=$(port ipackets)

kill -STOP "$GA"
ip netns exec "${P}gB" $PY - "$N" <<'PY'
import socket, struct, sys
n = int(sys.argv[1])
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("gB-prot", 0))
# Local experimental ethertype: the worker drops them (not MACsec), after the port counted them.
for i in range(n):
    s.send(bytes.fromhex("020000 0a0100 020000 0b0100".replace(" ", "")) + b"\x88\xb5" + struct.pack("!I", i) + bytes(50))
PY
sleep 0.5
kill -CONT "$GA"
sleep 1
m1=$(port imissed); i1=$(port ipackets); m2=$(port imissed)
dm=$((m1 - m0)); di=$((i1 - i0))
echo "sent $N frames to a frozen gateway (kernel ring of $FRAMECNT): port ipackets +$di, imissed +$dm"
"$CTL_BIN" -s "$WORK/a.sock" stats | grep -i "missed" | sed 's/^/  macsecctl: /'
[ "$dm" -ge $((N - FRAMECNT)) ] || fail "imissed +$dm: fewer than the $((N - FRAMECNT)) frames a $FRAMECNT-frame ring cannot hold"
[ $((di + dm)) -eq "$N" ] || fail "ipackets + imissed = $((di + dm)), sent $N"
[ "$m2" -eq "$m1" ] || fail "imissed changed on a second read ($m1 then $m2)"
"$CTL_BIN" -s "$WORK/a.sock" stats | grep -q "missed $m1" || fail "macsecctl stats does not show missed $m1"
echo "PASS port-kernel-drops"
