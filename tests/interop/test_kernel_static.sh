#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Interop: the Linux kernel's MACsec (static SAs, Debian kernel in QEMU/TCG) through macsec-gw to a host.
#
#   +-----------------------------+          (netns ${P}gw)                         (netns ${P}host)
#   | QEMU/TCG: Debian kernel     |  TAP    +------------------------------+  veth  +-------------+
#   | eth0 -> macsec0 192.0.2.2   |=========| mgwtap0   macsec-gw  gwplain |--------| heth        |
#   | SCI 5254001234020001        | MACsec  | protected  (static)    plain |  clear | 192.0.2.1   |
#   +-----------------------------+         | SCI 0200000a01000001         |        +-------------+
#                                           +------------------------------+
#
# Per suite: the VM pings 192.0.2.1 COUNT times and every reply must come back; the host
# pings the VM back and sends it 64 UDP flows; then both sides must have validated what the
# other protected, frame for frame (host veth counters = gateway = kernel):
# the kernel's RX SA InPktsOK > 0 (its `ip -s macsec show`, from the console log) and
# OutPktsEncrypted > 0; our RX SC InPktsOK > 0 and TX SC OutPktsEncrypted > 0
# (`macsecctl stats --json`); no frame rejected on either side; nothing but 0x88e5 on the TAP.
# The XPN suites start both TX SAs 2-3 PNs below 2^32, so both directions cross it.
# SUITE+integ: the same with integrity only on both sides (`encrypt off`, `encrypt: false`):
# OutPktsProtected instead of OutPktsEncrypted, and every MACsec frame on the TAP has E=0 C=0
# and its ICMP readable. SUITE+nosci: our SecTAGs carry no SCI (`include_sci: false`, SC=0
# ES=0), which the kernel must take as its one receive SC's; every frame we sent has SC=0.
#
# usage: [BUILD=build-interop] tests/interop/test_kernel_static.sh [SUITE...]
#        SUITE: gcm-aes-128 gcm-aes-256 gcm-aes-xpn-128 gcm-aes-xpn-256 (default: all four),
#               each also as SUITE+integ or SUITE+nosci
# env:   VM_WORK (cache + logs, default /tmp/mgw-interop), COUNT (pings, 5), GW_PMD
#        (af_packet | pcap), XPN_VM_PN / XPN_GW_PN (first PNs for XPN), P (netns prefix)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
P=${P:-mgwi-}
. "$HERE/lib/vm.sh"
. "$HERE/lib/gw.sh"
COUNT=${COUNT:-5}
XPN_VM_PN=${XPN_VM_PN:-4294967294}   # 2^32 - 2
XPN_GW_PN=${XPN_GW_PN:-4294967293}   # 2^32 - 3
SUITE_TIMEOUT=${SUITE_TIMEOUT:-50}   # seconds for boot + pings + power-off
SUITES=("$@")
[ ${#SUITES[@]} -gt 0 ] || SUITES=(gcm-aes-128 gcm-aes-256 gcm-aes-xpn-128 gcm-aes-xpn-256)

[ "$(id -u)" = 0 ] || { echo "FAIL: needs root (namespaces, TAP)"; exit 1; }
[ -x "$GW_BIN" ] || { echo "FAIL: no $GW_BIN (build first: meson setup ... && ninja)"; exit 1; }
[ -x "$CTL_BIN" ] || { echo "FAIL: no $CTL_BIN"; exit 1; }

TS_PID="" HP_PID=""
cleanup() {
	vm_stop_all
	stop_pid "$HP_PID" "$TS_PID"
	gw_stop
	TS_PID="" HP_PID=""
	topo_down
}
trap cleanup EXIT
trap 'exit 130' INT TERM

key_hex() {  # SUITE BYTE: 16 or 32 octets of BYTE
	local n=16
	[[ $1 == *256 ]] && n=32
	printf "%0.s$2" $(seq 1 "$n")
}
now() { echo $(($(date +%s%N) / 1000000)); }   # ms
secs() { local d=$(($(now) - $1)); printf '%d.%d' $((d / 1000)) $((d % 1000 / 100)); }
mark() { MARKS+="$1 $(secs "$T0") s, "; }   # the suite's timeline, printed with its verdict

FAILS=()
check() {  # check WHAT CONDITION...: record a failure with WHAT when the test fails
	local what=$1; shift
	if "$@"; then echo "  ok   $what"; else echo "  FAIL $what"; FAILS+=("$what"); fi
}
gt0() { [[ ${1:-} =~ ^[0-9]+$ ]] && [ "$1" -gt 0 ]; }
eq0() { [[ ${1:-} =~ ^[0-9]+$ ]] && [ "$1" -eq 0 ]; }
ge() { [[ ${1:-} =~ ^[0-9]+$ ]] && [ "$1" -ge "$2" ]; }

# run_suite SUITE: one gateway, one VM, one verdict; logs stay in $run.
run_suite() {
	local suite=${1%+*} run vm_pn=1 gw_pn=1 xpn=0 why integ=0 nosci=0 txf=OutPktsEncrypted
	case "$1" in
	*+integ) integ=1 txf=OutPktsProtected ;;
	*+nosci) nosci=1 ;;
	esac
	T0=$(now) MARKS=""
	FAILS=()
	run=$VM_WORK/run-static-$1
	rm -rf "$run"; mkdir -p "$run"; chmod 700 "$run"
	if [[ $suite == *xpn* ]]; then xpn=1 vm_pn=$XPN_VM_PN gw_pn=$XPN_GW_PN; fi
	echo "== $1: VM TX PN $vm_pn, gateway TX PN $gw_pn, logs in $run"

	local vmkey gwkey
	vmkey=$(key_hex "$suite" 11) gwkey=$(key_hex "$suite" 22)
	(umask 077; echo "$vmkey" >"$run/vm-tx.key"; echo "$gwkey" >"$run/gw-tx.key")
	topo_up
	gw_conf_static "$run/gw.yaml" "$run/gw.sock" "$suite" "$run/gw-tx.key" "$gw_pn" \
		"$run/vm-tx.key" "$vm_pn" "$([ $integ = 1 ] && echo false || echo true)" \
		"$([ $nosci = 1 ] && echo false || echo true)"
	"$GW_BIN" -- -c "$run/gw.yaml" --check-config >"$run/check-config.txt" 2>&1 ||
		{ cat "$run/check-config.txt"; FAILS+=("gateway rejects the config"); return 1; }
	gw_start "${P}gw" "$run/gw.yaml" "$run/gw.log"
	gw_wait_ready "$run/gw.sock" "$GW_PID" 20 ||
		{ tail -20 "$run/gw.log"; FAILS+=("gateway did not start"); return 1; }
	mark "gateway up"
	# The ports' MTUs (af_packet takes up to 1500): the protected one is secy.mtu, the plain
	# one leaves room for a SecTAG with SCI and the ICV, also with include_sci false (a second
	# peer would bring the SCI back).
	local mtus
	mtus=$(timeout 10 "$CTL_BIN" -s "$run/gw.sock" status |
		"$PY" -c 'import json,sys; l=json.load(sys.stdin)["links"][0]; print(l["plain_mtu"], l["protected_mtu"])')
	check "port MTUs plain/protected $mtus (want 1468 1500)" test "$mtus" = "1468 1500"

	ip netns exec "${P}gw" tshark -q -i "$GW_TAP" -F pcap -w "$run/tap.pcap" 2>"$run/tshark.err" &
	TS_PID=$!
	local i; for ((i = 0; i < 150; i++)); do
		grep -q 'Capturing on' "$run/tshark.err" 2>/dev/null && break; sleep 0.1
	done
	mark "capture up"

	vm_start 1 "${P}gw" "$GW_TAP" "$VM_MAC" "$run/console.log" MODE=static CIPHER="$suite" \
		VM_IP="$VM_IP/24" PEER_IP="$HOST_IP" PEER_MAC="$GW_MAC" PEER_PORT=1 \
		TX_KEY="$vmkey" RX_KEY="$gwkey" TX_PN="$vm_pn" RX_PN="$gw_pn" TX_SSCI=1 RX_SSCI=2 \
		SALT="$XPN_SALT" COUNT="$COUNT" INTERVAL=0.3 HOLD=2 ENCRYPT="$([ $integ = 1 ] && echo off || echo on)"
	# While the VM holds (after its own pings), the host pings it back through the gateway.
	local hp=skipped
	if vm_wait_line "$run/console.log" '^MGW: hold=' "$SUITE_TIMEOUT" 1; then
		mark "VM pinged"
		ip netns exec "${P}host" "${HOST_PING[@]}" -c 3 -i 0.2 -W 2 "$VM_IP" >"$run/host-ping.txt" 2>&1 &
		HP_PID=$!
		wait "$HP_PID" && hp=ok || hp=fail
		HP_PID=""
		# 64 flows (UDP ports) that a port hashing per flow would spread over its queues.
		# shellcheck disable=SC2016 # $p is the inner shell's
		ip netns exec "${P}host" timeout 10 bash -c \
			'for p in $(seq 5001 5064); do echo x >/dev/udp/'"$VM_IP"'/$p; done' || true
	fi
	vm_wait_off 1 "$SUITE_TIMEOUT" || FAILS+=("VM did not power off within ${SUITE_TIMEOUT}s")
	mark "VM off"
	sleep 0.3
	local h_tx h_rx
	h_tx=$(ip netns exec "${P}host" cat "/sys/class/net/$HOST_IF/statistics/tx_packets")
	h_rx=$(ip netns exec "${P}host" cat "/sys/class/net/$HOST_IF/statistics/rx_packets")
	gw_stats "$run/gw.sock" "$run/gw-stats.json" || FAILS+=("macsecctl stats failed")
	stop_pid "$TS_PID"; TS_PID=""
	gw_stop

	# --- verdict
	local c=$run/console.log s=$run/gw-stats.json
	tr -d '\r' <"$c" | grep -a '^MGW: \(RESULT\|ping_\|booted\|DONE\)' | sed 's/^/  vm: /' || true
	why=$(vm_kv "$c" RESULT)
	check "VM: all $COUNT pings to $HOST_IP answered through the gateway ($(vm_kv "$c" ping_rx)/$(vm_kv "$c" ping_tx))" \
		test "${why%% *}" = PASS
	check "host: pings to the VM ($VM_IP) answered ($hp)" test "$hp" = ok
	local k_ok k_enc k_bad g_ok g_enc g_bad
	k_ok=$(vm_macsec_stat "$c" rxsa InPktsOK)
	k_enc=$(vm_macsec_stat "$c" txsa "$txf")
	k_bad=$({ for f in InPktsInvalid InPktsNotValid InPktsNotUsingSA InPktsUnusedSA; do
		vm_macsec_stat "$c" rxsa "$f"; done; for f in InPktsLate InPktsDelayed; do
		vm_macsec_stat "$c" rxsc "$f"; done; for f in InPktsBadTag InPktsUnknownSCI InPktsNoSCI InPktsNoTag; do
		vm_macsec_stat "$c" secy "$f"; done; } | awk '{s += $1} END {print s + 0}')
	check "kernel RX SA InPktsOK > 0 (${k_ok:-none})" gt0 "$k_ok"
	check "kernel TX SA $txf > 0 (${k_enc:-none})" gt0 "$k_enc"
	check "kernel rejected nothing (Invalid+NotValid+NotUsingSA+UnusedSA+Late+Delayed+BadTag+UnknownSCI+NoSCI+NoTag = $k_bad)" \
		eq0 "$k_bad"
	if [ -s "$s" ]; then
		g_ok=$(json_get "$s" "s['links'][0]['rx_sc'][0]['InPktsOK']")
		g_enc=$(json_get "$s" "s['links'][0]['tx_sc']['$txf']")
		g_bad=$(json_get "$s" "sum(v for k, v in list(s['links'][0]['rx_sc'][0].items()) + list(s['links'][0]['secy'].items()) if isinstance(v, int) and k.startswith('InPkts') and k != 'InPktsOK')")
		check "gateway RX SC InPktsOK > 0 (${g_ok:-none})" gt0 "$g_ok"
		check "gateway TX SC $txf > 0 (${g_enc:-none})" gt0 "$g_enc"
		if [ $integ = 1 ]; then
			check "integrity only: no SA encrypted, ours or the kernel's ($(json_get "$s" "s['links'][0]['tx_sc']['OutPktsEncrypted']")/$(vm_macsec_stat "$c" txsa OutPktsEncrypted))" \
				eval 'eq0 "$(json_get "$s" "s['"'links'][0]['tx_sc']['OutPktsEncrypted'"']")" && eq0 "$(vm_macsec_stat "$c" txsa OutPktsEncrypted)"'
		fi
		check "gateway rejected nothing (sum of its other InPkts* counters = $g_bad)" eq0 "$g_bad"
		check "host -> VM: host sent $h_tx, gateway protected $g_enc, kernel validated $k_ok" \
			test "$h_tx" = "${g_enc:-x}" -a "${g_enc:-x}" = "${k_ok:-y}"
		check "VM -> host: kernel protected $k_enc, gateway validated $g_ok, host received $h_rx" \
			test "${k_enc:-x}" = "${g_ok:-y}" -a "${g_ok:-y}" = "$h_rx"
		if [ $xpn = 1 ]; then
			local g_txpn g_rxpn
			g_txpn=$(json_get "$s" "s['links'][0]['tx_sc']['sa'][0]['next_pn']")
			g_rxpn=$(json_get "$s" "s['links'][0]['rx_sc'][0]['sa'][0]['next_pn']")
			check "XPN: our TX PN crossed 2^32 (next_pn $g_txpn)" ge "$g_txpn" 4294967297
			check "XPN: our RX SA accepted PNs past 2^32 (next_pn $g_rxpn)" ge "$g_rxpn" 4294967297
		fi
	fi
	local types
	types=$(tshark -r "$run/tap.pcap" -T fields -e eth.type 2>/dev/null | sort | uniq -c |
		awk '{printf "%s%s x%s", sep, $2, $1; sep = ", "}')
	check "TAP carried only MACsec, 0x88e5 ($types)" test "${types%% x*}" = 0x88e5 -a "${types#*, }" = "$types"
	# wire_expect WHAT NONE_FILTER SOME_FILTER: no frame on the TAP matches the first filter,
	# some match the second
	wire_expect() {
		local none some
		none=$(tshark -r "$run/tap.pcap" -Y "$2" 2>/dev/null | wc -l)
		some=$(tshark -r "$run/tap.pcap" -Y "$3" 2>/dev/null | wc -l)
		check "$1: $none frames with [$2], $some with [$3]" test "$none" -eq 0 -a "$some" -gt 0
	}
	[ $nosci = 0 ] || wire_expect "no SCI in our SecTAGs" \
		"macsec && eth.src == $HOST_MAC && (macsec.TCI.SC == 1 || macsec.TCI.ES == 1)" \
		"macsec && eth.src == $HOST_MAC"
	[ $integ = 0 ] || wire_expect "integrity only on the wire" \
		"macsec.TCI.E == 1 || macsec.TCI.C == 1" "macsec && icmp"
	mark "checked"
	echo "  timeline: ${MARKS%, }"
	[ ${#FAILS[@]} -eq 0 ]
}

t_all=$(now)
vm_prepare
vm_log "kernel $(basename "$VM_KERNEL"), $VM_QEMU_VERSION, initramfs $(basename "$VM_BASE"), ready after $(secs "$t_all") s"
declare -A VERDICT
rc=0
for suite in "${SUITES[@]}"; do
	case "$suite" in
	gcm-aes-128 | gcm-aes-256 | gcm-aes-xpn-128 | gcm-aes-xpn-256) ;;
	gcm-aes-128+integ | gcm-aes-256+integ | gcm-aes-xpn-128+integ | gcm-aes-xpn-256+integ) ;;
	gcm-aes-128+nosci | gcm-aes-256+nosci | gcm-aes-xpn-128+nosci | gcm-aes-xpn-256+nosci) ;;
	*) echo "FAIL: unknown suite $suite"; exit 2 ;;
	esac
	ts=$(now)
	if run_suite "$suite"; then
		VERDICT[$suite]="PASS ($(secs "$ts") s)"
	else
		VERDICT[$suite]="FAIL ($(secs "$ts") s): $(printf '%s; ' "${FAILS[@]}")"
		rc=1
	fi
	cleanup
done
echo "== interop with the Linux kernel's MACsec ($(uname -r) host, total $(secs "$t_all") s)"
for suite in "${SUITES[@]}"; do echo "  $suite: ${VERDICT[$suite]}"; done
exit $rc
