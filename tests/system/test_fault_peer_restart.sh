#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A peer gateway killed (SIGKILL) under traffic and restarted, MKA keying: every member is
# secured again on one new SAK within a bound derived from the MKA timers, traffic resumes,
# and no frame protected with the dead session's SAK is accepted afterwards: frames B sent
# before the kill, captured on the wire, are replayed into A every half second from B's
# restart until well after the old key's retirement; A must deliver none and count each
# once, under the 802.1AE 10.6 counter its receive SAs call for (docs/counters.md).
#
# MEMBERS=2, a point-to-point wire:
#                                            ns ${P}in: mgw_fault.py replay-watch
#                                                  iAx
#                                                   | tc mirred (ingress)
#                                                   v
#   hA --- gA-plain [gw A, priority 16] gA-prot ===== MKA + MACsec ===== gB-prot [gw B, 32] gB-plain --- hB
#                                        (tshark)                          ^ kill -9, restart
# MEMBERS=3, one CA of three on a bridge (ns ${P}cr, forwarding 01:80:C2:00:00:03):
#   hA --- [gw A, 16] gA-prot --- crA -+
#                     ^ iAx (replays)  br0 -- crB --- gB-prot [gw B, 32] --- hB   (killed, restarted)
#                                      +-- crC --- gC-prot [gw C, 48] --- hC
#
# usage: test_fault_peer_restart.sh [SUITE [MEMBERS]]
set -euo pipefail
SUITE=${1:-gcm-aes-128}
MEMBERS=${2:-2}
P="mgw-fr${MEMBERS}${SUITE//[^0-9x]/}-"
[ "$MEMBERS" = 3 ] && CARRIER=1
. "$(dirname "$0")/lib.sh"
FAULT="$ROOT/tests/system/mgw_fault.py"
WORK=$(mktemp -d /tmp/mgw-fault-restart.XXXXXX)
cleanup_fault() {
	cleanup
	local ns
	for ns in in gC hC; do ip netns del "${P}$ns" 2>/dev/null || true; done
}
trap cleanup_fault EXIT
[ -x "$GW_BIN" ] || fail "no $GW_BIN (build first)"
umask 077
cak_len=32; [[ $SUITE == *256 ]] && cak_len=64
head -c 64 /dev/urandom | od -An -tx1 | tr -d ' \n' | cut -c1-$cak_len >"$WORK/cak"
CKN=706565722d72657374617274     # "peer-restart"
HELLO_MS=2000; LIFE_MS=6000      # the defaults (802.1X-2020 Table 9-3)
RETIRE_MS=3000
START_MS=${START_MS:-4000}       # allowance for the restarted gateway's own start (EAL, self-test)
RESECURE_MAX_MS=$((LIFE_MS + HELLO_MS + START_MS))
GC_SCI=0200000c01000001

topo_up
if [ "$MEMBERS" = 3 ]; then
	for ns in gC hC; do
		ip netns add "${P}$ns"
		ip -n "${P}$ns" link set lo up
		ip netns exec "${P}$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	done
	ip link add gC-prot netns "${P}gC" type veth peer name crC netns "${P}cr"
	ip -n "${P}cr" link set crC mtu "$WIRE_MTU" master br0 up
	ip link add hC-eth netns "${P}hC" type veth peer name gC-plain netns "${P}gC"
	ip -n "${P}gC" link set gC-prot address 02:00:00:0c:01:00 mtu "$WIRE_MTU" up
	ip -n "${P}gC" link set gC-plain up
	ip -n "${P}hC" addr add 192.0.2.3/24 dev hC-eth
	ip -n "${P}hC" link set hC-eth up
	# 802.1X's group address is bit 3 of group_fwd_mask (bits 0-2 may not be forwarded)
	ip -n "${P}cr" link set br0 type bridge group_fwd_mask 8
fi
inject_ns_up
inject_port "${P}gA" gA-prot iAx
write_gw_conf_mka "$WORK/a.yaml" ra "$WORK/a.sock" gA-plain gA-prot "$SUITE" "$WORK/cak" $CKN "$GA_SCI" 16
write_gw_conf_mka "$WORK/b.yaml" rb "$WORK/b.sock" gB-plain gB-prot "$SUITE" "$WORK/cak" $CKN "$GB_SCI" 32
GA=$(gw_start a "${P}gA" "$WORK/a.yaml" "$WORK/a.log"); PIDS+=("$GA")
GB=$(gw_start b "${P}gB" "$WORK/b.yaml" "$WORK/b.log"); PIDS+=("$GB")
GWS="a b"
if [ "$MEMBERS" = 3 ]; then
	write_gw_conf_mka "$WORK/c.yaml" rc "$WORK/c.sock" gC-plain gC-prot "$SUITE" "$WORK/cak" $CKN "$GC_SCI" 48
	GC=$(gw_start c "${P}gC" "$WORK/c.yaml" "$WORK/c.log"); PIDS+=("$GC")
	GWS="a b c"
fi
for g in $GWS; do
	gw_wait_socket "$WORK/$g.sock" "$(eval echo \$G${g^^})" 20 || { cat "$WORK/$g.log"; fail "gateway ${g^^} did not start"; }
done

# session G: "secured AN KN KS_MI TX RX MI LIVE_PEER_MIs" of gateway G's MKA (or "down"), for
# the key in use: the latest key, or once the CP is in RETIRE (which moves the latest key to
# "old", 802.1X-2020 Figure 12-2) the old one.
session() {
	"$CTL_BIN" -s "$WORK/$1.sock" stats --json 2>/dev/null | $PY -c "import json, sys
m = json.load(sys.stdin)['links'][0]['mka']; k = m['latest_key'] or m['old_key'] or {}
print(m['secured'], k.get('an'), k.get('key_number'), k.get('key_server_mi'), k.get('tx'), k.get('rx'),
      m['mi'], ','.join(sorted(p['mi'] for p in m['peers'] if p['live'])) or '-')" 2>/dev/null || echo down
}
# all_on_one_key: every member secured, each lists all the others live, one key in use by all
all_on_one_key() {
	local g s mis="" key="" peers
	declare -A row
	for g in $GWS; do
		row[$g]=$(session "$g")
		read -r -a s <<<"${row[$g]}"
		[ "${#s[@]}" = 8 ] && [ "${s[0]} ${s[4]} ${s[5]}" = "True True True" ] || return 1
		[ -z "$key" ] && key="${s[1]} ${s[2]} ${s[3]}"
		[ "${s[1]} ${s[2]} ${s[3]}" = "$key" ] || return 1
		mis+=" ${s[6]}"
	done
	for g in $GWS; do
		read -r -a s <<<"${row[$g]}"
		peers=$(tr ' ' '\n' <<<"$mis" | grep -v "^${s[6]}\$" | grep . | sort | paste -sd,)
		[ "${s[7]}" = "$peers" ] || return 1
	done
}
for _ in $(seq 1 150); do all_on_one_key && break; sleep 0.1; done
all_on_one_key || fail "MKA not secured 15 s after start: $(for g in $GWS; do echo "${g^^}: $(session $g);"; done)"
echo "secured, $MEMBERS members: A $(session a)"

# Traffic, 50 echo requests a second, while B's frames to A are captured on A's side.
ip netns exec "${P}gA" tshark -q -i gA-prot -F pcap -w "$WORK/old.pcap" -c 150 -a duration:30 \
	-f "ether proto 0x88e5 and ether[20:4] = 0x${GB_SCI:0:8} and ether[24:4] = 0x${GB_SCI:8:8}" >/dev/null 2>&1 &
TS=$!; PIDS+=("$TS")
sleep 1.5
ip netns exec "${P}hA" ping -i 0.02 -W 1 "$HOST_B_IP" >"$WORK/ping" 2>&1 &
PING=$!; PIDS+=("$PING")
wait "$TS" || true
old=$($PY "$FAULT" pcap-info "$WORK/old.pcap" "$GB_SCI")
echo "captured from B's live session: $old"
[ "$($PY -c "import json; print(json.loads('$old')['frames'])")" -ge 100 ] || fail "too few frames captured"
read -r -a s_old <<<"$(session b)"

kill -KILL "$GB"; wait "$GB" 2>/dev/null || true
# The traffic stops with B: from here on nothing but the replays can reach hA.
kill -INT "$PING"; wait "$PING" 2>/dev/null || true
# A's receive counters now: the totals over its SCs, and B's SC's own.
rx_ok() { ctl_get "$WORK/a.sock" "(s['links'][0]['rx_sc_totals']['InPktsOK'], sum(c['InPktsOK'] for c in s['links'][0]['rx_sc'] if c['sci'] == '$GB_SCI'))"; }
ok_before=$(rx_ok)
GB=$(gw_start b2 "${P}gB" "$WORK/b.yaml" "$WORK/b2.log"); PIDS+=("$GB")
t_start=$(date +%s%N)
echo "B killed (its SAK: key number ${s_old[2]} on AN ${s_old[1]}) and restarted"
# The old frames into A, every 0.5 s, until a Life Time and a Retire Time after the longest
# re-securing allowed.
WATCH_S=$(( (RESECURE_MAX_MS + LIFE_MS + RETIRE_MS) / 1000 ))
ip netns exec "${P}in" $PY "$FAULT" replay-watch iAx "$WORK/old.pcap" "$GB_SCI" "$CTL_BIN" "$WORK/a.sock" \
	"$WATCH_S" >"$WORK/watch" 2>&1 &
WATCH=$!; PIDS+=("$WATCH")

resecured=0
while [ $(( ($(date +%s%N) - t_start) / 1000000 )) -lt $((RESECURE_MAX_MS + 5000)) ]; do
	if all_on_one_key; then
		read -r -a s_new <<<"$(session a)"
		[ "${s_new[3]} ${s_new[2]}" != "${s_old[3]} ${s_old[2]}" ] && { resecured=1; break; }
	fi
	sleep 0.1
done
resecure_ms=$(( ($(date +%s%N) - t_start) / 1000000 ))
[ $resecured = 1 ] || fail "not secured again $resecure_ms ms after the restart: $(for g in $GWS; do echo "${g^^}: $(session $g);"; done)"
echo "all $MEMBERS secured again on key number ${s_new[2]} (AN ${s_new[1]}) $resecure_ms ms after B's restart (bound $RESECURE_MAX_MS ms)"
rc=0; wait "$WATCH" || rc=$?
cat "$WORK/watch"
[ "$resecure_ms" -le "$RESECURE_MAX_MS" ] || fail "re-securing took $resecure_ms ms (> Life Time + Hello Time + start-up)"
[ $rc = 0 ] || fail "frames protected with the dead session's SAK were accepted, or miscounted (above)"

ip netns exec "${P}hA" ping -c 20 -i 0.05 -W 2 -q "$HOST_B_IP" >"$WORK/ping2" || { cat "$WORK/ping2"; fail "no traffic after the restart"; }
grep -q " 0% packet loss" "$WORK/ping2" || fail "traffic after the restart: $(grep loss "$WORK/ping2")"
echo "traffic A -> B flows again: $(grep -o '[0-9]* received.*loss' "$WORK/ping2")"
grep -h "MKA s\|MKA n\|SAK" "$WORK/a.log" | sed 's/^/  A: /' | tail -8
# B's old peer went, and its SC with it: a new SC counts from zero, but A's totals keep the
# old SC's frames (docs/counters.md, rx_sc_totals).
ok_after=$(rx_ok)
$PY - "$ok_before" "$ok_after" <<'PY' || fail "A's receive SC totals lost the frames of B's removed SC"
import ast, sys
(t0, b0), (t1, b1) = (ast.literal_eval(a) for a in sys.argv[1:3])
print(f"A's InPktsOK: totals {t0} -> {t1}; B's SC {b0} -> {b1}"
      + (" (a new SC)" if b1 < b0 else ""))
sys.exit(0 if t1 >= t0 + (b1 if b1 < b0 else b1 - b0) else 1)
PY
echo "PASS fault-peer-restart $SUITE, $MEMBERS members"
