#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Two gateways keyed by MKA (pre-shared CAK): secured within 10 s of start; a paced UDP
# stream crosses three forced rekeys and one interval rekey without losing a frame (counted
# at the hosts and at both gateways); `macsecctl mka` shows peers, key server and rekeys;
# a gateway with another CAK never secures and nothing crosses; nor does one configured
# integrity only against an encrypting key server (it refuses the SAK, logged and counted).
#
#   hA 192.0.2.1 --- [gw A, priority 16] ===== MKA + MACsec ===== [gw B, priority 32] --- hB 192.0.2.2
#
# usage: test_mka.sh SUITE
set -euo pipefail
SUITE=${1:-gcm-aes-128}
P="mgw-mka${SUITE//[^0-9x]/}-"
. "$(dirname "$0")/lib.sh"
WORK=$(mktemp -d /tmp/mgw-mka.XXXXXX)
trap cleanup EXIT
[ -x "$GW_BIN" ] || fail "no $GW_BIN (build first)"
umask 077
cak_len=32; [[ $SUITE == *256 ]] && cak_len=64
head -c 64 /dev/urandom | od -An -tx1 | tr -d ' \n' | cut -c1-$cak_len >"$WORK/cak"
head -c 64 /dev/urandom | od -An -tx1 | tr -d ' \n' | cut -c1-$cak_len >"$WORK/cak.other"
CKN=6d6163736563206777
REKEY_S=30         # the shortest interval the configuration allows

topo_up
write_gw_conf_mka "$WORK/a.yaml" ka "$WORK/a.sock" gA-plain gA-prot "$SUITE" "$WORK/cak" $CKN "$GA_SCI" 16 \
	"sak_rekey_interval_s: $REKEY_S"
write_gw_conf_mka "$WORK/b.yaml" kb "$WORK/b.sock" gB-plain gB-prot "$SUITE" "$WORK/cak" $CKN "$GB_SCI" 32
for f in a b; do "$GW_BIN" -- -c "$WORK/$f.yaml" --check-config >/dev/null || fail "config $f"; done

t0=$(date +%s%N)
GA=$(gw_start a "${P}gA" "$WORK/a.yaml" "$WORK/a.log"); PIDS+=("$GA")
GB=$(gw_start b "${P}gB" "$WORK/b.yaml" "$WORK/b.log"); PIDS+=("$GB")
gw_wait_socket "$WORK/a.sock" "$GA" 20 || { cat "$WORK/a.log"; fail "gateway A did not start"; }
gw_wait_socket "$WORK/b.sock" "$GB" 20 || { cat "$WORK/b.log"; fail "gateway B did not start"; }
mka_get() { "$CTL_BIN" -s "$1" mka >/dev/null && "$CTL_BIN" -s "$1" stats --json |
	$PY -c "import json,sys; m=json.load(sys.stdin)['links'][0]['mka']; print($2)"; }
secured=0
for _ in $(seq 1 100); do
	if [ "$(mka_get "$WORK/a.sock" "m['secured']")" = True ] &&
	   [ "$(mka_get "$WORK/b.sock" "m['secured']")" = True ]; then secured=1; break; fi
	sleep 0.1
done
t_sec=$(( ($(date +%s%N) - t0) / 1000000 ))
[ $secured = 1 ] || { grep USER1 "$WORK/a.log" "$WORK/b.log"; fail "not secured 10 s after start"; }
echo "secured ${t_sec} ms after start"
[ "$(mka_get "$WORK/a.sock" "m['key_server']")" = True ] || fail "A (priority 16) is not key server"
[ "$(mka_get "$WORK/b.sock" "m['key_server_sci']")" = "$GA_SCI" ] || fail "B does not see A as key server"
[ "$(mka_get "$WORK/b.sock" "m['live_peers']")" = 1 ] || fail "B has no live peer"

ip netns exec "${P}hA" ping -c 3 -i 0.2 -W 2 "$HOST_B_IP" >/dev/null || fail "ping through the MKA-keyed SAs"

# A paced UDP stream (no wire losses on this box at this rate) across 3 forced rekeys and
# the interval rekey (the interval runs from the last SAK: the one forced at 9 s, so it fires
# at about 39 s); every datagram must arrive.
ip netns exec "${P}hB" iperf3 -s -1 -B "$HOST_B_IP" >/dev/null 2>&1 &
PIDS+=("$!")
sleep 0.5
rk0=$(mka_get "$WORK/a.sock" "m['rekeys']")
snap() {
	echo "$(ip netns exec "${P}hA" cat /sys/class/net/hA-eth/statistics/tx_packets)" \
	     "$(ctl_get "$WORK/a.sock" "s['links'][0]['tx_sc']['OutPktsEncrypted']")" \
	     "$(ctl_get "$WORK/b.sock" "sum(r['InPktsOK'] for r in s['links'][0]['rx_sc'])")" \
	     "$(ip netns exec "${P}hB" cat /sys/class/net/hB-eth/statistics/rx_packets)"
}
read -r a0 b0 c0 d0 <<<"$(snap)"
ip netns exec "${P}hA" timeout 70 iperf3 -c "$HOST_B_IP" -u -b 20M -l 1000 -t 44 -J >"$WORK/iperf.json" &
IPC=$!; PIDS+=("$IPC")
for t in 3 6 9; do
	sleep 3
	"$CTL_BIN" -s "$WORK/a.sock" rekey ka >/dev/null || fail "forced rekey at ${t} s"
done
wait "$IPC" || fail "iperf3 client"
sleep 1
read -r a1 b1 c1 d1 <<<"$(snap)"
rk1=$(mka_get "$WORK/a.sock" "m['rekeys']")
reason=$(mka_get "$WORK/a.sock" "m['last_rekey_reason']")
grep -h "SAK key number" "$WORK/a.log" | sed 's/^/  A: /'
$PY - "$WORK/iperf.json" <<'PY' || fail "UDP datagrams lost across rekeys"
import json, sys
d = json.load(open(sys.argv[1]))["end"]["sum"]
print(f"iperf3 UDP: {d['packets']} datagrams, {d['lost_packets']} lost, {d['bits_per_second']/1e6:.1f} Mbit/s")
sys.exit(0 if d["packets"] > 10000 and d["lost_packets"] == 0 else 1)
PY
echo "rekeys during the stream: $((rk1 - rk0)) (last: $reason)"
[ $((rk1 - rk0)) -ge 4 ] || fail "only $((rk1 - rk0)) rekeys (3 forced + 1 interval wanted)"
grep -q "distributed: interval" "$WORK/a.log" || fail "no interval rekey"
echo "frames: hA sent $((a1 - a0)), A protected $((b1 - b0)), B validated $((c1 - c0)), hB received $((d1 - d0))"
[ $((a1 - a0)) -eq $((b1 - b0)) ] && [ $((b1 - b0)) -eq $((c1 - c0)) ] && [ $((c1 - c0)) -eq $((d1 - d0)) ] ||
	fail "frames lost across rekeys"
bad=$(ctl_get "$WORK/b.sock" "sum(v for r in s['links'][0]['rx_sc'] for k,v in r.items() if k.startswith('InPkts') and k != 'InPktsOK')")
[ "$bad" -eq 0 ] || fail "B counted $bad rejected frames"
"$CTL_BIN" -s "$WORK/a.sock" mka | head -12

# Another CAK never secures: no frame crosses and the ICV errors are counted.
stop_pid "$GB"
write_gw_conf_mka "$WORK/b.yaml" kb "$WORK/b.sock" gB-plain gB-prot "$SUITE" "$WORK/cak.other" $CKN "$GB_SCI" 32
GB=$(gw_start b2 "${P}gB" "$WORK/b.yaml" "$WORK/b2.log"); PIDS+=("$GB")
gw_wait_socket "$WORK/b.sock" "$GB" 20 || { cat "$WORK/b2.log"; fail "gateway B (other CAK) did not start"; }
sleep 8
[ "$(mka_get "$WORK/b.sock" "m['secured']")" = False ] || fail "secured with a wrong CAK"
icv=$(mka_get "$WORK/b.sock" "m['counters']['in-mkpdu-icv-verification-errors']")
[ "$icv" -gt 0 ] || fail "no ICV verification error counted with a wrong CAK"
ip netns exec "${P}hA" ping -c 3 -i 0.2 -W 1 "$HOST_B_IP" >/dev/null 2>&1 && fail "ping crossed with a wrong CAK"
echo "wrong CAK: not secured, $icv MKPDUs failed their ICV, nothing crossed"

# Configured differently: B integrity only while A, the key server, encrypts. B refuses A's
# SAK (each refused key logged once, each refusal counted in secy-errors), stays unsecured,
# and nothing crosses. The refusal does not depend on the suite: checked once, here.
[ "$SUITE" = gcm-aes-128 ] || { echo "PASS mka $SUITE"; exit 0; }
stop_pid "$GB"
write_gw_conf_mka "$WORK/b.yaml" kb "$WORK/b.sock" gB-plain gB-prot "$SUITE" "$WORK/cak" $CKN "$GB_SCI" 32
sed -i 's/^\( *encrypt:\) true$/\1 false/' "$WORK/b.yaml"
grep -q '^ *encrypt: false$' "$WORK/b.yaml" || fail "could not make B integrity only"
GB=$(gw_start b3 "${P}gB" "$WORK/b.yaml" "$WORK/b3.log"); PIDS+=("$GB")
gw_wait_socket "$WORK/b.sock" "$GB" 20 || { cat "$WORK/b3.log"; fail "gateway B (integrity only) did not start"; }
sleep 8
[ "$(mka_get "$WORK/b.sock" "m['secured']")" = False ] || fail "B secured on a SAK its SecY cannot use"
se=$(mka_get "$WORK/b.sock" "m['counters']['secy-errors']")
logged=$(grep -c 'SA refused' "$WORK/b3.log" || true)
keys=$(grep 'SA refused' "$WORK/b3.log" | grep -o 'key number [0-9]*' | sort -u | wc -l)
grep 'SA refused' "$WORK/b3.log" | head -2
[ "$logged" -ge 1 ] || fail "B did not log the refused SAK"
[ "$logged" -eq "$keys" ] || fail "B logged $logged refusals for $keys keys (want once per key)"
[ "$se" -gt "$logged" ] || fail "B counted $se secy-errors for $logged logged refusals (want every retry counted)"
ip netns exec "${P}hA" ping -c 3 -i 0.2 -W 1 "$HOST_B_IP" >/dev/null 2>&1 && fail "ping crossed with B integrity only"
echo "integrity only against an encrypting key server: not secured, $se refusals counted, $logged logged, nothing crossed"
echo "PASS mka $SUITE"
