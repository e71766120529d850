#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# WAN MACsec over a carrier L2 service that eats 802.1X frames: between the gateways, a Linux
# bridge with the default group_fwd_mask drops everything sent to 01:80:C2:00:00:03. With the
# default EAPOL addressing MKA never secures (and no MKPDU reaches the peer); with EtherType
# 0x876F to the broadcast address (Cisco's `eapol eth-type` / `eapol destination-address`) it
# secures and traffic flows; an 802.1Q-tagged variant (MKPDUs in VLAN 100) secures too.
#
#   hA --- [gw A] --- crA [ br0 in ns "cr": drops 01:80:C2:00:00:0x ] crB --- [gw B] --- hB
#
# usage: test_wan.sh [SUITE]
set -euo pipefail
SUITE=${1:-gcm-aes-128}
P="mgw-wan-"
CARRIER=1
. "$(dirname "$0")/lib.sh"
WORK=$(mktemp -d /tmp/mgw-wan.XXXXXX)
trap cleanup EXIT
umask 077
head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$WORK/cak"
CKN=77616e2d6c32767066
topo_up

run_case() { # NAME EXPECT(secure|never) MKA_EXTRA
	local name=$1 expect=$2 extra=$3 ok=0 ina inb
	write_gw_conf_mka "$WORK/a.yaml" wa "$WORK/a.sock" gA-plain gA-prot "$SUITE" "$WORK/cak" $CKN "$GA_SCI" 16 "$extra"
	write_gw_conf_mka "$WORK/b.yaml" wb "$WORK/b.sock" gB-plain gB-prot "$SUITE" "$WORK/cak" $CKN "$GB_SCI" 32 "$extra"
	GA=$(gw_start "a$name" "${P}gA" "$WORK/a.yaml" "$WORK/a-$name.log"); PIDS+=("$GA")
	GB=$(gw_start "b$name" "${P}gB" "$WORK/b.yaml" "$WORK/b-$name.log"); PIDS+=("$GB")
	gw_wait_socket "$WORK/a.sock" "$GA" 20 || { cat "$WORK/a-$name.log"; fail "$name: A did not start"; }
	gw_wait_socket "$WORK/b.sock" "$GB" 20 || { cat "$WORK/b-$name.log"; fail "$name: B did not start"; }
	for _ in $(seq 1 100); do
		if [ "$(ctl_get "$WORK/a.sock" "s['links'][0]['mka']['secured']")" = True ] &&
		   [ "$(ctl_get "$WORK/b.sock" "s['links'][0]['mka']['secured']")" = True ]; then ok=1; break; fi
		sleep 0.1
	done
	ina=$(ctl_get "$WORK/a.sock" "s['links'][0]['mka']['counters']['in-mkpdu']")
	inb=$(ctl_get "$WORK/b.sock" "s['links'][0]['mka']['counters']['in-mkpdu']")
	echo "$name: secured=$ok after up to 10 s; MKPDUs received: A $ina, B $inb"
	if [ "$expect" = secure ]; then
		[ $ok = 1 ] || fail "$name: MKA did not secure"
		ip netns exec "${P}hA" ping -c 3 -i 0.2 -W 2 "$HOST_B_IP" >/dev/null || fail "$name: ping"
	else
		[ $ok = 0 ] || fail "$name: secured although the carrier drops the PAE group address"
		[ "$ina" -eq 0 ] && [ "$inb" -eq 0 ] || fail "$name: MKPDUs crossed the carrier"
		ip netns exec "${P}hA" ping -c 2 -i 0.2 -W 1 "$HOST_B_IP" >/dev/null 2>&1 &&
			fail "$name: traffic crossed without MKA (must-secure)"
	fi
	stop_pid "$GA" "$GB"
}

run_case default never ""
run_case ethertype-broadcast secure "eapol: {ethertype: 0x876F, destination: ff:ff:ff:ff:ff:ff}"
run_case vlan-tagged secure "eapol: {ethertype: 0x876F, destination: ff:ff:ff:ff:ff:ff, vlan: 100}"
echo "PASS wan $SUITE"
