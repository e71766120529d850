#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The wire taken down under traffic and brought back, twice: 2 s (shorter than the MKA Life
# Time) and 8 s (longer). The gateways keep running and answering, report the link down and
# up again, traffic resumes within a bound (with MKA: the session survives the short flap
# and is secured again after the long one), no frame is dropped for any reason but the
# missing wire, and every counter adds up.
#
#   hA 192.0.2.1 --- [gw A] gA-prot ==X== gB-prot [gw B] --- hB 192.0.2.2
#                           ^ ip link set down / up (the veth peer loses its carrier too)
#
# usage: test_fault_link_flap.sh [static|mka] [SUITE]
set -euo pipefail
MODE=${1:-static}
SUITE=${2:-gcm-aes-128}
P="mgw-ff${MODE:0:1}${SUITE//[^0-9x]/}-"
. "$(dirname "$0")/lib.sh"
WORK=$(mktemp -d /tmp/mgw-fault-flap.XXXXXX)
trap cleanup EXIT
[ -x "$GW_BIN" ] || fail "no $GW_BIN (build first)"
umask 077
HELLO_MS=2000; LIFE_MS=6000
RESUME_MAX_MS=${RESUME_MAX_MS:-3000}               # after the link is up again, no re-keying
RESECURE_MAX_MS=$((LIFE_MS + HELLO_MS + 2000))     # after a flap longer than the Life Time

topo_up
if [ "$MODE" = mka ]; then
	cak_len=32; [[ $SUITE == *256 ]] && cak_len=64
	head -c 64 /dev/urandom | od -An -tx1 | tr -d ' \n' | cut -c1-$cak_len >"$WORK/cak"
	write_gw_conf_mka "$WORK/a.yaml" la "$WORK/a.sock" gA-plain gA-prot "$SUITE" "$WORK/cak" 6c696e6b2d666c6170 "$GA_SCI" 16
	write_gw_conf_mka "$WORK/b.yaml" lb "$WORK/b.sock" gB-plain gB-prot "$SUITE" "$WORK/cak" 6c696e6b2d666c6170 "$GB_SCI" 32
else
	key_for "$SUITE" 1a >"$WORK/a.key"; key_for "$SUITE" 2b >"$WORK/b.key"
	write_gw_conf "$WORK/a.yaml" la "$WORK/a.sock" gA-plain gA-prot "$SUITE" "$WORK/a.key" "$WORK/b.key" "$GA_SCI" "$GB_SCI" 1 2
	write_gw_conf "$WORK/b.yaml" lb "$WORK/b.sock" gB-plain gB-prot "$SUITE" "$WORK/b.key" "$WORK/a.key" "$GB_SCI" "$GA_SCI" 2 1
fi
GA=$(gw_start a "${P}gA" "$WORK/a.yaml" "$WORK/a.log"); PIDS+=("$GA")
GB=$(gw_start b "${P}gB" "$WORK/b.yaml" "$WORK/b.log"); PIDS+=("$GB")
gw_wait_socket "$WORK/a.sock" "$GA" 20 || { cat "$WORK/a.log"; fail "gateway A did not start"; }
gw_wait_socket "$WORK/b.sock" "$GB" 20 || { cat "$WORK/b.log"; fail "gateway B did not start"; }

secured() { # both ends secured (static keys: always), each with one live peer under MKA
	[ "$MODE" = mka ] || return 0
	[ "$(ctl_get "$WORK/a.sock" "s['links'][0]['mka']['secured'] and s['links'][0]['mka']['live_peers'] == 1")" = True ] &&
		[ "$(ctl_get "$WORK/b.sock" "s['links'][0]['mka']['secured'] and s['links'][0]['mka']['live_peers'] == 1")" = True ]
}
rekeys() { [ "$MODE" = mka ] && ctl_get "$WORK/a.sock" "s['links'][0]['mka']['rekeys']" || echo 0; }
link_state() { "$CTL_BIN" -s "$WORK/$1.sock" status | $PY -c "import json,sys; print(json.load(sys.stdin)['links'][0]['protected_link'])"; }
for _ in $(seq 1 100); do secured && break; sleep 0.1; done
secured || fail "not secured 10 s after start"
ip netns exec "${P}hA" ping -c 3 -i 0.2 -W 2 "$HOST_B_IP" >/dev/null || fail "no traffic before the flaps"
# snap: both gateways' stats into $WORK/{a,b}.N, N counting up. Taken with the link up, at
# 0.5 s after it went down and just before it comes up: a receive SC that MKA deletes while
# the link is down (the peer timed out) then received nothing after the snap before it.
NSNAP=0
snap() {
	ctl_get "$WORK/a.sock" "json.dumps(s['links'][0])" >"$WORK/a.$NSNAP"
	ctl_get "$WORK/b.sock" "json.dumps(s['links'][0])" >"$WORK/b.$NSNAP"
	NSNAP=$((NSNAP + 1))
}
snap

# The traffic: 50 echo requests a second, time-stamped, for the whole test.
ip netns exec "${P}hA" ping -i 0.02 -W 1 -D "$HOST_B_IP" >"$WORK/ping" 2>&1 &
PING=$!; PIDS+=("$PING")
sleep 2

# flap SECONDS: the wire down for SECONDS, the gateways watched; sets t_down, t_up (ns) and
# down_seen (1 if both reported their protected link down meanwhile: DPDK 22.11's af_packet
# PMD never does, it keeps the link up from start to stop).
flap() {
	local s=$1 i g
	down_seen=0
	t_down=$(date +%s%N)
	ip -n "${P}gA" link set gA-prot down
	for ((i = 0; i < s * 4; i++)); do
		sleep 0.25
		[ $i = 1 ] && snap
		for g in A B; do
			kill -0 "$(eval echo \$G$g)" 2>/dev/null || fail "gateway $g died with the link down"
		done
		timeout 5 "$CTL_BIN" -s "$WORK/a.sock" status >/dev/null || fail "A does not answer with its link down"
		[ "$(link_state a) $(link_state b)" = "down down" ] && down_seen=1
	done
	snap
	ip -n "${P}gA" link set gA-prot up
	t_up=$(date +%s%N)
}
# first_reply_after NS: ms from NS (epoch ns) to the first echo reply after it, -1 if none
first_reply_after() {
	$PY - "$WORK/ping" "$1" <<'PY'
import re, sys
t = int(sys.argv[2]) / 1e9
r = [float(m[1]) for m in re.finditer(r"^\[(\d+\.\d+)\] \d+ bytes from", open(sys.argv[1]).read(), re.M)
     if float(m[1]) > t]
print(round((r[0] - t) * 1000) if r else -1)
PY
}

for secs in 2 8; do
	rk0=$(rekeys)
	flap "$secs"
	sec_ms=-1
	for _ in $(seq 1 $(( RESECURE_MAX_MS / 100 + 20 ))); do
		if secured && [ "$(link_state a) $(link_state b)" = "up up" ] && [ "$(first_reply_after "$t_up")" -ge 0 ]; then
			sec_ms=$(( ($(date +%s%N) - t_up) / 1000000 )); break
		fi
		sleep 0.1
	done
	sleep 1.5
	resume_ms=$(first_reply_after "$t_up")
	rk1=$(rekeys)
	echo "flap ${secs} s: link up, secured and passing traffic again after ${sec_ms} ms, first echo reply ${resume_ms} ms after" \
		"the link came up, rekeys $((rk1 - rk0)); link reported down meanwhile: $([ "$down_seen" = 1 ] && echo yes || echo no)"
	[ "$sec_ms" -ge 0 ] || fail "flap ${secs} s: not secured (or the link not up) again"
	[ "$resume_ms" -ge 0 ] || fail "flap ${secs} s: traffic did not resume"
	if [ "$MODE" = mka ] && [ "$secs" -lt $((LIFE_MS / 1000)) ]; then
		[ $((rk1 - rk0)) = 0 ] || fail "flap ${secs} s (< Life Time): MKA rekeyed, the session did not survive"
	fi
	if [ "$MODE" = mka ] && [ "$secs" -gt $((LIFE_MS / 1000)) ]; then
		[ $((rk1 - rk0)) -ge 1 ] || fail "flap ${secs} s (> Life Time): no new SAK"
		[ "$resume_ms" -le "$RESECURE_MAX_MS" ] || fail "flap ${secs} s: traffic resumed after ${resume_ms} ms (> ${RESECURE_MAX_MS})"
	else
		[ "$resume_ms" -le "$RESUME_MAX_MS" ] || fail "flap ${secs} s: traffic resumed after ${resume_ms} ms (> ${RESUME_MAX_MS})"
	fi
done
kill -INT "$PING"; wait "$PING" 2>/dev/null || true
grep -o "[0-9]* packets transmitted.*loss" "$WORK/ping"
sleep 1
snap

# Counters: every frame each port took in is counted once; nothing failed validation or
# came late; what one gateway protected the other validated, but for the frames sent
# while the wire was down (the sender's tx counters against the peer's rx).
$PY - "$WORK" "$MODE" "$NSNAP" <<'PY' || fail "counters"
import json, sys
w, mode = sys.argv[1], sys.argv[2]
ld = lambda n: json.load(open(f"{w}/{n}"))
bad = 0
IN = ["InPktsNoTag", "InPktsBadTag", "InPktsNoSCI", "InPktsUnknownSCI", "InPktsUntagged", "InPktsNoRoom",
      "InPktsCryptoError"]
SC = ["InPktsLate", "InPktsNotValid", "InPktsInvalid", "InPktsNotUsingSA", "InPktsUnusedSA", "InPktsDelayed",
      "InPktsUnchecked"]
OUT = ["OutPktsTooLong", "OutPktsRunt", "OutPktsNoRoom", "OutPktsSANotInUse", "OutPktsPNExhausted",
       "OutPktsCryptoError", "OutPktsUntagged"]
def tot(l):
    t = {k: l["secy"][k] for k in IN + OUT}
    t["sc"] = {sc["sci"]: sc for sc in l["rx_sc"]}
    t["enc"] = l["tx_sc"]["OutPktsEncrypted"] + l["tx_sc"]["OutPktsProtected"]
    for s in ("plain", "protected"):
        for k in ("ipackets", "opackets", "oerrors"):
            t[f"{s}.{k}"] = l["ports"][s][k]
    for k, v in l["gateway"].items():
        t[f"gw.{k}"] = v
    return t
def seg(a, b):
    """b - a; a receive SC absent from a counts from 0, one absent from b adds nothing."""
    d = {}
    for k in IN + OUT + ["enc"] + [x for x in a if "." in x]:
        d[k] = b[k] - a[k]
    for k in SC + ["InPktsOK"]:
        d[k] = 0
        for sci in set(a["sc"]) | set(b["sc"]):
            if sci in b["sc"]:
                d[k] += b["sc"][sci][k] - (a["sc"][sci][k] if sci in a["sc"] else 0)
    return d
n = int(sys.argv[3])
D = {}
for g in "ab":
    snaps = [tot(ld(f"{g}.{i}")) for i in range(n)]
    D[g] = {}
    for x, y in zip(snaps, snaps[1:]):
        for k, v in seg(x, y).items():
            D[g][k] = D[g].get(k, 0) + v
for g, o in (("a", "b"), ("b", "a")):
    d, e = D[g], D[o]
    bads = {k: d[k] for k in IN + SC if d[k]}
    outs = {k: d[k] for k in OUT if d[k]}
    print(f"{g.upper()}: plain in {d['plain.ipackets']}, protected {d['enc']}, closed port {d['gw.port_closed_drop']},"
          f" {outs or 'no transmit drop'}; protected in {d['protected.ipackets']}, validated {d['InPktsOK']}"
          f", EAPOL {d['gw.eapol_rx']}, {bads or 'nothing refused'}; protected port sent {d['protected.opackets']}"
          f" (oerrors {d['protected.oerrors']}, tx ring full {d['gw.protected_tx_drop']})")
    # port_closed_drop counts both directions (MKA, Controlled Port closed)
    if d["plain.ipackets"] + d["protected.ipackets"] != d["enc"] + sum(d[k] for k in OUT) + \
            d["InPktsOK"] + sum(d[k] for k in IN + SC) + d["gw.eapol_rx"] + d["gw.port_closed_drop"]:
        print("  WRONG: frames taken in not counted exactly once"); bad += 1
    if bads:
        print("  WRONG: frames refused across a link flap"); bad += 1
    if e["InPktsOK"] > d["enc"]:
        print("  WRONG: the peer validated more than was protected"); bad += 1
    print(f"  {g.upper()} -> {o.upper()}: {d['enc']} protected, {e['InPktsOK']} validated, "
          f"{d['enc'] - e['InPktsOK']} not validated (the wire was down, or the peer's Controlled Port closed)")
sys.exit(1 if bad else 0)
PY
for g in A B; do kill -0 "$(eval echo \$G$g)" 2>/dev/null || fail "gateway $g died"; done
echo "PASS fault-link-flap $MODE $SUITE"
