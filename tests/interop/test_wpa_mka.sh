#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Interop: wpa_supplicant 2.10's MKA (macsec_linux, PSK CAK, GCM-AES-128) in a QEMU/TCG VM as macsec-gw's peer.
#
# Default: the VM against our gateway, three times: VM key server (VM priority 16, ours 32),
# us key server (VM 64, ours 32), and us key server forcing two rekeys while the host pings the
# VM every 0.1 s (gw-ks-rekey: the kernel's SAs move to each new AN without losing an echo),
# and the VM key server while our gateway restarts (vm-ks-restart: a new participant, to which
# wpa_supplicant must distribute a new SAK; then pings over it), and with the VM's MACsec and
# wpa_supplicant on a VLAN device, eth0.100 (vlan: the 802.1Q tag in clear before the SecTAG and
# on MKPDUs, as a carrier's VLAN service needs; our side: vlan_tags_in_clear 1, eapol.vlan 100).
# The host end of that VLAN is tests/interop/lib/vlan_host.py (this kernel has no 8021q).
# integ, integ-gw-ks: integrity only on both sides (wpa_supplicant macsec_integ_only=1, our
# encrypt: false), the VM or we key server: the SAK says no confidentiality, the frames carry
# E=0 C=0 and clear data.
#
#   +-----------------------------+          (netns ${P}gw)                         (netns ${P}host)
#   | QEMU/TCG: Debian kernel     |  TAP    +------------------------------+  veth  +-------------+
#   | wpa_supplicant -D macsec_   |=========| mgwtap0   macsec-gw  gwplain |--------| heth        |
#   |   linux, macsec0 192.0.2.2  | MKA +   | protected  (MKA)       plain |  clear | 192.0.2.1   |
#   | SCI 5254001234020001        | MACsec  | SCI 0200000a01000001         |        +-------------+
#   +-----------------------------+         +------------------------------+
#
# --vm-pair: the same VM image twice, MKA between them, A key server then B key server.
#
#   +------------------------+  TAP   (netns ${P}pair)   TAP  +------------------------+
#   | VM A 192.0.2.2         |======= br0 (forwards =========| VM B 192.0.2.3         |
#   | 52:54:00:12:34:02      |        01:80:c2:00:00:03)     | 52:54:00:12:34:03      |
#   +------------------------+                               +------------------------+
#
# PASS per case: every VM reports Secured=Yes, the expected side is key server, every ping
# over macsec0 (and from the host back to the VM) is answered, both sides validated frames
# (kernel RX SA InPktsOK > 0; ours: RX SC InPktsOK > 0, OutPktsEncrypted > 0), the MKPDUs
# on the wire dissect in tshark as EAPOL-MKA with no malformed frame, and the wire carries
# nothing but 0x888e (EAPOL) and 0x88e5 (MACsec).
#
# usage: [BUILD=build-interop] tests/interop/test_wpa_mka.sh [--vm-pair] [CASE...]
#        CASE: vm-ks gw-ks gw-ks-rekey vm-ks-restart vlan integ integ-gw-ks (default all); with --vm-pair: a-ks b-ks (default both)
# exit:  0 pass, 1 fail
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
P=${P:-mgwi-}
. "$HERE/lib/vm.sh"
. "$HERE/lib/gw.sh"
MKA_CAK=${MKA_CAK:-0123456789abcdef0123456789abcdef}
MKA_CKN=${MKA_CKN:-6162636465666768696a6b6c6d6e6f707172737475767778797a303132333435}
GW_PRIO=${GW_PRIO:-32}
COUNT=${COUNT:-5}
SECURE_TIMEOUT=${SECURE_TIMEOUT:-30}   # seconds the VM waits for Secured=Yes
VM2_MAC=52:54:00:12:34:03 VM2_IP=192.0.2.3
PAIR=0
[ "${1:-}" = --vm-pair ] && { PAIR=1; shift; }
CASES=("$@")
[ ${#CASES[@]} -gt 0 ] || { [ $PAIR = 1 ] && CASES=(a-ks b-ks) || CASES=(vm-ks gw-ks gw-ks-rekey vm-ks-restart vlan integ integ-gw-ks); }

[ "$(id -u)" = 0 ] || { echo "FAIL: needs root (namespaces, TAP)"; exit 1; }
if [ $PAIR = 0 ]; then
	[ -x "$GW_BIN" ] || { echo "FAIL: no $GW_BIN (build first)"; exit 1; }
	[ -x "$CTL_BIN" ] || { echo "FAIL: no $CTL_BIN"; exit 1; }
fi

TS_PID="" HP_PID="" VH_PID=""
cleanup() {
	vm_stop_all
	stop_pid "$HP_PID" "$TS_PID" "$VH_PID"
	gw_stop
	TS_PID="" HP_PID="" VH_PID=""
	topo_down
	ip netns del "${P}pair" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now() { echo $(($(date +%s%N) / 1000000)); }   # ms
secs() { local d=$(($(now) - $1)); printf '%d.%d' $((d / 1000)) $((d % 1000 / 100)); }
FAILS=()
check() {  # check WHAT CONDITION...
	local what=$1; shift
	if "$@"; then echo "  ok   $what"; else echo "  FAIL $what"; FAILS+=("$what"); fi
}
gt0() { [[ ${1:-} =~ ^[0-9]+$ ]] && [ "$1" -gt 0 ]; }
eq0() { [[ ${1:-} =~ ^[0-9]+$ ]] && [ "$1" -eq 0 ]; }

capture_start() {  # NS IFACE PCAP
	ip netns exec "$1" tshark -q -i "$2" -F pcap -w "$3" 2>"$3.err" &
	TS_PID=$!
	local i; for ((i = 0; i < 150; i++)); do
		grep -q 'Capturing on' "$3.err" 2>/dev/null && return 0; sleep 0.1
	done
	return 1
}

# wpa_status LOG FIELD: a field of the last `wpa_cli status` the VM printed
wpa_status() { vm_section "$1" wpa-status | sed -n "s/^$2=//p" | tail -1; }

# vm_checks NAME LOG WANT_KS [TX_FIELD]: what one VM must show (TX_FIELD: the TX SA counter
# that must have moved, OutPktsEncrypted, or OutPktsProtected for integrity only)
vm_checks() {
	local name=$1 c=$2 want_ks=$3 txf=${4:-OutPktsEncrypted} ks
	tr -d '\r' <"$c" | grep -a '^MGW: \(RESULT\|secured\|ping_\|booted\|DONE\)' | sed "s/^/  $name: /" || true
	check "$name: wpa_supplicant reports Secured=Yes" test "$(wpa_status "$c" Secured)" = Yes
	ks=$(wpa_status "$c" is_key_server)
	check "$name: is_key_server=$ks (want $want_ks)" test "$ks" = "$want_ks"
	check "$name: all $COUNT pings over macsec0 answered ($(vm_kv "$c" ping_rx)/$(vm_kv "$c" ping_tx))" \
		test "$(vm_kv "$c" RESULT | cut -d' ' -f1)" = PASS
	check "$name: kernel RX SA InPktsOK > 0 ($(vm_macsec_stat "$c" rxsa InPktsOK))" \
		gt0 "$(vm_macsec_stat "$c" rxsa InPktsOK)"
	check "$name: kernel TX SA $txf > 0 ($(vm_macsec_stat "$c" txsa "$txf"))" \
		gt0 "$(vm_macsec_stat "$c" txsa "$txf")"
}

# wire_checks PCAP MAC...: frames sent by MAC... (the peers, not the bridge's own chatter):
# MKPDUs from each peer that dissect cleanly, and only EAPOL and MACsec. WIRE_VLAN=N: every
# one of those frames carries one 802.1Q tag with VLAN ID N, and the types are the inner ones.
# WIRE_DATA_MACS: more sources that send no MKPDUs but whose frames must pass the same checks
# (a gateway protects frames under the plain host's source MAC).
wire_checks() {
	local pcap=$1 n bad types m from="" vlan=${WIRE_VLAN:-0} tf=eth.type
	shift
	for m in "$@" ${WIRE_DATA_MACS:-}; do from+="${from:+ || }eth.src == $m"; done
	for m in "$@"; do
		n=$(tshark -r "$pcap" -Y "eapol && mka && eth.dst == 01:80:c2:00:00:03 && eth.src == $m" \
			2>/dev/null | wc -l)
		check "wire: $n EAPOL-MKA frames from $m to 01:80:c2:00:00:03" test "$n" -gt 0
	done
	bad=$(tshark -r "$pcap" -Y "($from) && (_ws.malformed || _ws.expert.severity >= error)" \
		2>/dev/null | wc -l)
	check "wire: $bad malformed frames or expert errors (tshark $(tshark --version 2>/dev/null | head -1 | awk '{print $3}'))" \
		test "$bad" -eq 0
	tshark -r "$pcap" -Y mka -V -O eapol,mka >"${pcap%.pcap}-mkpdus.txt" 2>/dev/null || true
	if [ "$vlan" != 0 ]; then
		tf=vlan.etype
		n=$(tshark -r "$pcap" -Y "($from) && !(vlan.id == $vlan && !(vlan.etype == 0x8100))" 2>/dev/null | wc -l)
		check "wire: $n frames from the peers without one 802.1Q tag of VLAN $vlan" test "$n" -eq 0
	fi
	types=$(tshark -r "$pcap" -Y "$from" -T fields -e "$tf" 2>/dev/null | sort -u | tr '\n' ' ')
	check "wire: EtherTypes are 0x888e/0x88e5 only ($types)" \
		test -z "$(echo "$types" | tr ' ' '\n' | grep -v '^0x888e$\|^0x88e5$\|^$')"
}

# gw_json SOCK OUT EXPR: EXPR over our `stats --json` (s; k = the SAK in use: the CP's
# latest key, or once it has retired the one before, 802.1X 12.5 RETIRE, its old key)
gw_json() {
	gw_stats "$1" "$2" 2>/dev/null &&
		json_get "$2" "(lambda m, k: $3)(s['links'][0]['mka'], s['links'][0]['mka']['latest_key'] or s['links'][0]['mka']['old_key'])" 2>/dev/null
}

# rekey_under_ping RUN N: the host pings the VM every 0.1 s while we, the key server, force N
# rekeys. Each new SAK must be in use both ways (our TX on it, and the VM's echo replies
# validated on our RX SA of its AN) before the next. 0 when every echo came back.
rekey_under_ping() {
	local run=$1 n=$2 i t kn0 an ok r=0 c
	c=$((n * 45 + 30))
	kn0=$(gw_json "$run/gw.sock" "$run/rk.json" "k['key_number']") || return 1
	ip netns exec "${P}host" "${HOST_PING[@]}" -c $c -i 0.1 -W 2 "$VM_IP" >"$run/host-ping.txt" 2>&1 &
	HP_PID=$!
	sleep 1.5
	for ((i = 1; i <= n; i++)); do
		echo "rekey $i at $(date +%T.%N | cut -c1-12)" >>"$run/rekey.txt"
		"$CTL_BIN" -s "$run/gw.sock" rekey kvm >>"$run/rekey.txt" 2>&1 || r=1
		ok=no
		for ((t = 0; t < 60; t++)); do   # 6 s
			an=$(gw_json "$run/gw.sock" "$run/rk.json" \
				"k['an'] if k['key_number'] == $kn0 + $i and k['tx'] else -1") || an=-1
			if [ "$an" -ge 0 ] && [ "$(json_get "$run/rk.json" "s['links'][0]['tx_sc']['encoding_an']")" = "$an" ] &&
				gt0 "$(json_get "$run/rk.json" "sum(a['InPktsOK'] for sc in s['links'][0]['rx_sc'] for a in sc['sa'] if a['an'] == $an)")"; then
				ok=yes; break
			fi
			sleep 0.1
		done
		echo "rekey $i: key number $((kn0 + i)) AN $an in use both ways: $ok ($((t / 10)).$((t % 10)) s)" >>"$run/rekey.txt"
		[ $ok = yes ] || r=1
		sleep 1.5   # frames on the new SA before the next rekey
	done
	wait "$HP_PID" || r=1
	HP_PID=""
	return $r
}

# restart_rejoin RUN: the VM is the key server. Our gateway stops (SIGTERM) and starts again
# with the same config: a new participant (new MI) with the same SCI. wpa_supplicant must take
# it as a live peer and distribute a SAK to it; once we are secured on that SAK (TX and RX), the
# host pings the VM. 0 when it was secured in time and every echo came back.
restart_rejoin() {
	local run=$1 kn0 t t0 an=-1 ok=no
	kn0=$(gw_json "$run/gw.sock" "$run/rj.json" "k['key_number']") || return 1
	gw_stop
	t0=$(now)
	gw_start "${P}gw" "$run/gw.yaml" "$run/gw-restarted.log"
	gw_wait_ready "$run/gw.sock" "$GW_PID" 20 || return 1
	for ((t = 0; t < 200; t++)); do   # 20 s
		an=$(gw_json "$run/gw.sock" "$run/rj.json" "k['an'] if m['secured'] and not m['key_server'] and k['key_number'] > $kn0 and k['tx'] and k['rx'] else -1") || an=-1
		[ "$an" -ge 0 ] && { ok=yes; break; }
		sleep 0.1
	done
	echo "restart: secured on a new SAK (key number before $kn0, AN $an): $ok, $(secs "$t0") s after the stop" >"$run/restart.txt"
	[ $ok = yes ] || return 1
	ip netns exec "${P}host" "${HOST_PING[@]}" -c 20 -i 0.2 -W 2 "$VM_IP" >"$run/host-ping.txt" 2>&1 &
	HP_PID=$!
	wait "$HP_PID" || { HP_PID=""; return 1; }
	HP_PID=""
}

# restart_checks RUN: after restart_rejoin, what both sides must show
restart_checks() {
	local run=$1 s c an kan f v
	s=$run/gw-stats.json c=$run/console.log
	check "gateway restarted and secured again on a SAK from the VM ($(cat "$run/restart.txt" 2>/dev/null))" \
		grep -q ': yes,' "$run/restart.txt"
	[ -s "$s" ] || return 0
	an=$(json_get "$s" "(s['links'][0]['mka']['latest_key'] or s['links'][0]['mka']['old_key'])['an']")
	kan=$(vm_macsec_encoding_sa "$c")
	check "kernel: TX SA in use $kan = the new key's AN $an" test "$kan" = "$an"
	check "kernel: RX SA $an InPktsOK > 0 ($(vm_macsec_stat "$c" rxsa InPktsOK "$an"))" \
		gt0 "$(vm_macsec_stat "$c" rxsa InPktsOK "$an")"
	for f in InPktsInvalid InPktsNotValid; do
		v=$(vm_macsec_stat "$c" rxsc "$f")
		check "kernel: RX SC $f = 0 ($v)" eq0 "$v"
	done
	for f in InPktsInvalid InPktsNotValid InPktsLate InPktsNotUsingSA InPktsUnusedSA; do
		v=$(json_get "$s" "s['links'][0]['rx_sc_totals']['$f']")
		check "gateway (restarted): RX SC totals $f = 0 ($v)" eq0 "$v"
	done
}

# integ_checks RUN: integrity only on the wire, both ways, and counted as such on both sides
integ_checks() {
	local run=$1 s c n
	s=$run/gw-stats.json c=$run/console.log
	for m in "$VM_MAC" "$HOST_MAC"; do   # we protect the host's frames under its MAC
		n=$(tshark -r "$run/tap.pcap" -Y "macsec && eth.src == $m && icmp" 2>/dev/null | wc -l)
		check "wire: $n MACsec frames from $m with ICMP readable (integrity only)" test "$n" -gt 0
		n=$(tshark -r "$run/tap.pcap" -Y "macsec && eth.src == $m && (macsec.TCI.E == 1 || macsec.TCI.C == 1)" \
			2>/dev/null | wc -l)
		check "wire: $n MACsec frames from $m with E or C set" test "$n" -eq 0
	done
	check "kernel: TX SA OutPktsProtected > 0, OutPktsEncrypted = 0 ($(vm_macsec_stat "$c" txsa OutPktsProtected)/$(vm_macsec_stat "$c" txsa OutPktsEncrypted))" \
		eval 'gt0 "$(vm_macsec_stat "$c" txsa OutPktsProtected)" && eq0 "$(vm_macsec_stat "$c" txsa OutPktsEncrypted)"'
	[ -s "$s" ] || return 0
	n=$(json_get "$s" "s['links'][0]['tx_sc']['OutPktsProtected']")
	check "gateway: TX SC OutPktsProtected > 0 ($n), OutPktsEncrypted = 0" \
		eval 'gt0 "$n" && eq0 "$(json_get "$s" "s['"'links'][0]['tx_sc']['OutPktsEncrypted'"']")"'
}

# rekey_checks RUN N: after rekey_under_ping, what both sides must show
rekey_checks() {
	local run=$1 n=$2 s c tx rx an kan f v
	s=$run/gw-stats.json c=$run/console.log
	tx=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "$run/host-ping.txt")
	rx=$(sed -n 's/.* \([0-9]*\) packets received.*/\1/p' "$run/host-ping.txt")
	check "host: every echo across $n rekeys answered (${rx:-?}/${tx:-?})" \
		test -n "$tx" -a "${rx:-x}" = "$tx"
	check "gateway: $n rekeys forced, each in use both ways ($(grep -c 'both ways: yes' "$run/rekey.txt")/$n)" \
		test "$(grep -c 'both ways: yes' "$run/rekey.txt")" = "$n"
	[ -s "$s" ] || return 0
	an=$(json_get "$s" "(s['links'][0]['mka']['latest_key'] or s['links'][0]['mka']['old_key'])['an']")
	check "gateway: last rekey reason $(json_get "$s" "s['links'][0]['mka']['last_rekey_reason']") (want admin)" \
		test "$(json_get "$s" "s['links'][0]['mka']['last_rekey_reason']")" = admin
	kan=$(vm_macsec_encoding_sa "$c")
	check "kernel: TX SA in use $kan = our latest key's AN $an" test "$kan" = "$an"
	check "kernel: RX SA $an InPktsOK > 0 ($(vm_macsec_stat "$c" rxsa InPktsOK "$an"))" \
		gt0 "$(vm_macsec_stat "$c" rxsa InPktsOK "$an")"
	for f in InPktsInvalid InPktsNotValid InPktsLate InPktsNotUsingSA InPktsUnusedSA; do
		v=$(vm_macsec_stat "$c" rxsc "$f")
		check "kernel: RX SC $f = 0 ($v)" eq0 "$v"
		v=$(json_get "$s" "s['links'][0]['rx_sc_totals']['$f']")
		check "gateway: RX SC totals $f = 0 ($v)" eq0 "$v"
	done
	check "gateway: TX SA $an OutPktsEncrypted > 0" gt0 "$(json_get "$s" \
		"sum(a['OutPktsEncrypted'] for a in s['links'][0]['tx_sc']['sa'] if a['an'] == $an)")"
}

run_gw_case() {  # a CASE of the usage line (not --vm-pair)
	local cs=$1 run vm_prio want_ks hp=skipped rekeys=0 restart=0 hold=2 vlan=0 integ=0
	local txf=OutPktsEncrypted
	case "$cs" in   # lower value wins (802.1X 9.5.1); want_ks: the VM's is_key_server
	vm-ks) vm_prio=16 want_ks=Yes ;;
	gw-ks) vm_prio=64 want_ks=No ;;
	gw-ks-rekey) vm_prio=64 want_ks=No rekeys=2 hold=$((2 * 6 + 8)) ;;
	vm-ks-restart) vm_prio=16 want_ks=Yes restart=1 hold=24 ;;
	vlan) vm_prio=16 want_ks=Yes vlan=100 hold=8 ;;
	integ) vm_prio=16 want_ks=Yes integ=1 txf=OutPktsProtected ;;
	integ-gw-ks) vm_prio=64 want_ks=No integ=1 txf=OutPktsProtected ;;
	*) echo "unknown case $cs"; return 2 ;;
	esac
	run=$VM_WORK/run-mka-$cs
	rm -rf "$run"; mkdir -p "$run"; chmod 700 "$run"
	echo "== $cs: VM priority $vm_prio, gateway $GW_PRIO, logs in $run"
	(umask 077; echo "$MKA_CAK" >"$run/cak.key")
	topo_up
	gw_conf_mka "$run/gw.yaml" "$run/gw.sock" "$run/cak.key" "$MKA_CKN" "$GW_PRIO" "$vlan" \
		"$([ $integ = 1 ] && echo false || echo true)"
	if [ "$vlan" != 0 ]; then   # the host is vlan_host.py, answering only in VLAN $vlan
		ip -n "${P}host" addr del "$HOST_IP/24" dev "$HOST_IF"
		ip netns exec "${P}host" "$PY" "$HERE/lib/vlan_host.py" serve "$HOST_IF" "$vlan" \
			"$HOST_MAC" "$HOST_IP" >"$run/vlan-host.log" 2>&1 &
		VH_PID=$!
	fi
	"$GW_BIN" -- -c "$run/gw.yaml" --check-config >"$run/check-config.txt" 2>&1 ||
		{ cat "$run/check-config.txt"; FAILS+=("gateway rejects the MKA config"); return 1; }
	gw_start "${P}gw" "$run/gw.yaml" "$run/gw.log"
	if ! gw_wait_ready "$run/gw.sock" "$GW_PID" 20; then
		tail -20 "$run/gw.log"; FAILS+=("gateway did not start"); return 1
	fi
	capture_start "${P}gw" "$GW_TAP" "$run/tap.pcap" || true
	vm_start 1 "${P}gw" "$GW_TAP" "$VM_MAC" "$run/console.log" MODE=mka VM_IP="$VM_IP/24" \
		PEER_IP="$HOST_IP" CAK="$MKA_CAK" CKN="$MKA_CKN" PRIO="$vm_prio" \
		SECURE_TIMEOUT="$SECURE_TIMEOUT" SETTLE=1 COUNT="$COUNT" INTERVAL=0.3 HOLD=$hold VLAN=$vlan INTEG_ONLY=$integ
	if vm_wait_line "$run/console.log" '^MGW: hold=' $((SECURE_TIMEOUT + 40)) 1; then
		if [ $rekeys -gt 0 ]; then
			rekey_under_ping "$run" $rekeys && hp=ok || hp=fail
		elif [ $restart = 1 ]; then
			restart_rejoin "$run" && hp=ok || hp=fail
		elif [ "$vlan" != 0 ]; then
			ip netns exec "${P}host" "$PY" "$HERE/lib/vlan_host.py" ping "$HOST_IF" "$vlan" \
				"$HOST_MAC" "$HOST_IP" "$VM_MAC" "$VM_IP" 3 0.2 >"$run/host-ping.txt" 2>&1 &
			HP_PID=$!
			wait "$HP_PID" && hp=ok || hp=fail
			HP_PID=""
		else
			ip netns exec "${P}host" "${HOST_PING[@]}" -c 3 -i 0.2 -W 2 "$VM_IP" >"$run/host-ping.txt" 2>&1 &
			HP_PID=$!
			wait "$HP_PID" && hp=ok || hp=fail
			HP_PID=""
		fi
	fi
	vm_wait_off 1 $((SECURE_TIMEOUT + hold + 40)) || FAILS+=("VM did not power off in time")
	sleep 0.3
	timeout 10 "$CTL_BIN" -s "$run/gw.sock" status >"$run/gw-status.txt" 2>&1 || true
	gw_stats "$run/gw.sock" "$run/gw-stats.json" || FAILS+=("macsecctl stats failed")
	stop_pid "$TS_PID" "$VH_PID"; TS_PID="" VH_PID=""
	gw_stop

	vm_checks vm "$run/console.log" "$want_ks" "$txf"
	check "host: pings to the VM answered ($hp)" test "$hp" = ok
	local s=$run/gw-stats.json g_ok g_enc
	if [ -s "$s" ]; then
		g_ok=$(json_get "$s" "sum(sc['InPktsOK'] for sc in s['links'][0]['rx_sc'])")
		g_enc=$(json_get "$s" "s['links'][0]['tx_sc']['$txf']")
		check "gateway RX SC InPktsOK > 0 ($g_ok)" gt0 "$g_ok"
		check "gateway TX SC $txf > 0 ($g_enc)" gt0 "$g_enc"
	fi
	[ $rekeys -eq 0 ] || rekey_checks "$run" $rekeys
	[ $restart = 0 ] || restart_checks "$run"
	[ $integ = 0 ] || integ_checks "$run"
	WIRE_VLAN=$vlan WIRE_DATA_MACS=$HOST_MAC wire_checks "$run/tap.pcap" "$VM_MAC" "$GW_MAC"
	[ ${#FAILS[@]} -eq 0 ]
}

run_pair_case() {  # a-ks | b-ks: two VMs, no gateway
	local cs=$1 run pa pb ns=${P}pair
	case "$cs" in
	a-ks) pa=16 pb=64 ;;
	b-ks) pa=64 pb=16 ;;
	*) echo "unknown case $cs"; return 2 ;;
	esac
	run=$VM_WORK/run-mka-pair-$cs
	rm -rf "$run"; mkdir -p "$run"
	echo "== pair $cs: VM A priority $pa, VM B priority $pb, logs in $run"
	ip netns del "$ns" 2>/dev/null || true
	ip netns add "$ns"
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	ip -n "$ns" link add br0 type bridge group_fwd_mask 8   # forward 01:80:c2:00:00:03
	for t in mgwtap0 mgwtap1; do
		ip -n "$ns" tuntap add dev "$t" mode tap
		ip -n "$ns" link set "$t" master br0 up
	done
	ip -n "$ns" link set br0 up
	capture_start "$ns" br0 "$run/br0.pcap" || true
	local common=(MODE=mka CAK="$MKA_CAK" CKN="$MKA_CKN" SECURE_TIMEOUT="$SECURE_TIMEOUT" SETTLE=1
		COUNT="$COUNT" INTERVAL=0.3 HOLD=4)   # HOLD: stay up while the other VM pings
	vm_start a "$ns" mgwtap0 "$VM_MAC" "$run/console-a.log" "${common[@]}" PRIO="$pa" \
		VM_IP="$VM_IP/24" PEER_IP="$VM2_IP"
	vm_start b "$ns" mgwtap1 "$VM2_MAC" "$run/console-b.log" "${common[@]}" PRIO="$pb" \
		VM_IP="$VM2_IP/24" PEER_IP="$VM_IP"
	vm_wait_off a $((SECURE_TIMEOUT + 40)) || FAILS+=("VM A did not power off in time")
	vm_wait_off b 10 || FAILS+=("VM B did not power off in time")
	stop_pid "$TS_PID"; TS_PID=""
	vm_checks A "$run/console-a.log" "$([ $pa -lt $pb ] && echo Yes || echo No)"
	vm_checks B "$run/console-b.log" "$([ $pb -lt $pa ] && echo Yes || echo No)"
	wire_checks "$run/br0.pcap" "$VM_MAC" "$VM2_MAC"
	ip netns del "$ns"
	[ ${#FAILS[@]} -eq 0 ]
}

t_all=$(now)
vm_prepare
declare -A VERDICT
rc=0
for cs in "${CASES[@]}"; do
	ts=$(now) FAILS=() r=0
	if [ $PAIR = 1 ]; then run_pair_case "$cs" || r=$?; else run_gw_case "$cs" || r=$?; fi
	case $r in
	0) VERDICT[$cs]="PASS ($(secs "$ts") s)" ;;
	*) VERDICT[$cs]="FAIL ($(secs "$ts") s): $(printf '%s; ' "${FAILS[@]}")"; rc=1 ;;
	esac
	cleanup
done
echo "== MKA interop with wpa_supplicant 2.10 ($([ $PAIR = 1 ] && echo "two VMs" || echo "our gateway"), total $(secs "$t_all") s)"
for cs in "${CASES[@]}"; do echo "  $cs: ${VERDICT[$cs]}"; done
exit $rc
