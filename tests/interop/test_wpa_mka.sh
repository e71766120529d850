#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Interop: wpa_supplicant 2.10's MKA (macsec_linux, PSK CAK, GCM-AES-128) in a QEMU/TCG VM as macsec-gw's peer.
#
# Default: the VM against our gateway, twice: VM key server (VM priority 16, ours 32), then us
# key server (VM 64, ours 32).
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
#        CASE: vm-ks gw-ks (default both); with --vm-pair: a-ks b-ks (default both)
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
[ ${#CASES[@]} -gt 0 ] || { [ $PAIR = 1 ] && CASES=(a-ks b-ks) || CASES=(vm-ks gw-ks); }

[ "$(id -u)" = 0 ] || { echo "FAIL: needs root (namespaces, TAP)"; exit 1; }
if [ $PAIR = 0 ]; then
	[ -x "$GW_BIN" ] || { echo "FAIL: no $GW_BIN (build first)"; exit 1; }
	[ -x "$CTL_BIN" ] || { echo "FAIL: no $CTL_BIN"; exit 1; }
fi

TS_PID="" HP_PID=""
cleanup() {
	vm_stop_all
	stop_pid "$HP_PID" "$TS_PID"
	gw_stop
	TS_PID="" HP_PID=""
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

# vm_checks NAME LOG WANT_KS: what one VM must show
vm_checks() {
	local name=$1 c=$2 want_ks=$3 ks
	tr -d '\r' <"$c" | grep -a '^MGW: \(RESULT\|secured\|ping_\|booted\|DONE\)' | sed "s/^/  $name: /" || true
	check "$name: wpa_supplicant reports Secured=Yes" test "$(wpa_status "$c" Secured)" = Yes
	ks=$(wpa_status "$c" is_key_server)
	check "$name: is_key_server=$ks (want $want_ks)" test "$ks" = "$want_ks"
	check "$name: all $COUNT pings over macsec0 answered ($(vm_kv "$c" ping_rx)/$(vm_kv "$c" ping_tx))" \
		test "$(vm_kv "$c" RESULT | cut -d' ' -f1)" = PASS
	check "$name: kernel RX SA InPktsOK > 0 ($(vm_macsec_stat "$c" rxsa InPktsOK))" \
		gt0 "$(vm_macsec_stat "$c" rxsa InPktsOK)"
	check "$name: kernel TX SA OutPktsEncrypted > 0 ($(vm_macsec_stat "$c" txsa OutPktsEncrypted))" \
		gt0 "$(vm_macsec_stat "$c" txsa OutPktsEncrypted)"
}

# wire_checks PCAP MAC...: frames sent by MAC... (the peers, not the bridge's own chatter):
# MKPDUs from each peer that dissect cleanly, and only EAPOL and MACsec.
wire_checks() {
	local pcap=$1 n bad types m from=""
	shift
	for m in "$@"; do from+="${from:+ || }eth.src == $m"; done
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
	types=$(tshark -r "$pcap" -Y "$from" -T fields -e eth.type 2>/dev/null | sort -u | tr '\n' ' ')
	check "wire: EtherTypes are 0x888e/0x88e5 only ($types)" \
		test -z "$(echo "$types" | tr ' ' '\n' | grep -v '^0x888e$\|^0x88e5$\|^$')"
}

run_gw_case() {  # vm-ks | gw-ks
	local cs=$1 run vm_prio want_ks hp=skipped
	case "$cs" in   # lower value wins (802.1X 9.5.1); want_ks: the VM's is_key_server
	vm-ks) vm_prio=16 want_ks=Yes ;;
	gw-ks) vm_prio=64 want_ks=No ;;
	*) echo "unknown case $cs"; return 2 ;;
	esac
	run=$VM_WORK/run-mka-$cs
	rm -rf "$run"; mkdir -p "$run"; chmod 700 "$run"
	echo "== $cs: VM priority $vm_prio, gateway $GW_PRIO, logs in $run"
	(umask 077; echo "$MKA_CAK" >"$run/cak.key")
	topo_up
	gw_conf_mka "$run/gw.yaml" "$run/gw.sock" "$run/cak.key" "$MKA_CKN" "$GW_PRIO"
	"$GW_BIN" -- -c "$run/gw.yaml" --check-config >"$run/check-config.txt" 2>&1 ||
		{ cat "$run/check-config.txt"; FAILS+=("gateway rejects the MKA config"); return 1; }
	gw_start "${P}gw" "$run/gw.yaml" "$run/gw.log"
	if ! gw_wait_ready "$run/gw.sock" "$GW_PID" 20; then
		tail -20 "$run/gw.log"; FAILS+=("gateway did not start"); return 1
	fi
	capture_start "${P}gw" "$GW_TAP" "$run/tap.pcap" || true
	vm_start 1 "${P}gw" "$GW_TAP" "$VM_MAC" "$run/console.log" MODE=mka VM_IP="$VM_IP/24" \
		PEER_IP="$HOST_IP" CAK="$MKA_CAK" CKN="$MKA_CKN" PRIO="$vm_prio" \
		SECURE_TIMEOUT="$SECURE_TIMEOUT" SETTLE=1 COUNT="$COUNT" INTERVAL=0.3 HOLD=2
	if vm_wait_line "$run/console.log" '^MGW: hold=' $((SECURE_TIMEOUT + 40)) 1; then
		ip netns exec "${P}host" "${HOST_PING[@]}" -c 3 -i 0.2 -W 2 "$VM_IP" >"$run/host-ping.txt" 2>&1 &
		HP_PID=$!
		wait "$HP_PID" && hp=ok || hp=fail
		HP_PID=""
	fi
	vm_wait_off 1 $((SECURE_TIMEOUT + 40)) || FAILS+=("VM did not power off in time")
	sleep 0.3
	timeout 10 "$CTL_BIN" -s "$run/gw.sock" status >"$run/gw-status.txt" 2>&1 || true
	gw_stats "$run/gw.sock" "$run/gw-stats.json" || FAILS+=("macsecctl stats failed")
	stop_pid "$TS_PID"; TS_PID=""
	gw_stop

	vm_checks vm "$run/console.log" "$want_ks"
	check "host: pings to the VM answered ($hp)" test "$hp" = ok
	local s=$run/gw-stats.json g_ok g_enc
	if [ -s "$s" ]; then
		g_ok=$(json_get "$s" "sum(sc['InPktsOK'] for sc in s['links'][0]['rx_sc'])")
		g_enc=$(json_get "$s" "s['links'][0]['tx_sc']['OutPktsEncrypted']")
		check "gateway RX SC InPktsOK > 0 ($g_ok)" gt0 "$g_ok"
		check "gateway TX SC OutPktsEncrypted > 0 ($g_enc)" gt0 "$g_enc"
	fi
	wire_checks "$run/tap.pcap" "$VM_MAC" "$GW_MAC"
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
