#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# shellcheck disable=SC3043,SC1091  # busybox ash has local; /mgw.conf is made per run
# /init of the interop VM (busybox sh): load modules, run MODE from /mgw.conf, print "MGW:" lines, power off.
#
# MODE=static  macsec0 with `ip macsec` SAs (TX key id 01, RX key id 02, AN 0), ping PEER_IP.
# MODE=mka     wpa_supplicant -D macsec_linux with a PSK CAK/CKN, wait for Secured=Yes, ping PEER_IP.
# Then HOLD seconds for the host to ping us, `ip -s macsec show`, "MGW: RESULT=PASS|FAIL ...".
# VLAN=N (not 0): both modes run on eth0.N, so the 802.1Q tag stays in clear before the SecTAG
# and wpa_supplicant's MKPDUs carry it.
export PATH=/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
# busybox sh runs its own applets before PATH, and its `ip` knows no macsec: use iproute2's.
ip() { /sbin/ip "$@"; }
up() { cut -d' ' -f1 /proc/uptime; }
say() { echo "MGW: $*"; }
result() {  # RESULT WHY: the one line the host decides on, then power off
	say "RESULT=$1 $2"
	say "DONE uptime=$(up)"
	sync
	poweroff -f
	sleep 60
}

say "booted uptime=$(up) kernel=$(uname -r)"
for m in /modules/*.ko; do insmod "$m" || say "insmod ${m##*/} failed"; done
# Defaults; /mgw.conf (made per run by vm.sh) overrides them.
MODE=static CIPHER=gcm-aes-128 VM_IP=192.0.2.2/24 PEER_IP=192.0.2.1 COUNT=5 INTERVAL=0.3
HOLD=0 PORT=1 PEER_PORT=1 TX_PN=1 RX_PN=1 TX_SSCI=1 RX_SSCI=2 SALT=0102030405060708090a0b0c
REPLAY_WINDOW=0 PRIO=128 SECURE_TIMEOUT=30 POLICY=1 INTEG_ONLY=0 SETTLE=0 WPA_PID= VLAN=0
ENCRYPT=on
. /mgw.conf
say "mode=$MODE cipher=$CIPHER mac=$VM_MAC ip=$VM_IP peer=$PEER_IP"
for f in all default; do echo 1 >/proc/sys/net/ipv6/conf/$f/disable_ipv6; done
ip link set lo up
ip link set eth0 address "$VM_MAC" up || result FAIL "no eth0"
IF=eth0
if [ "$VLAN" != 0 ]; then
	IF=eth0.$VLAN
	ip link add link eth0 name "$IF" type vlan id "$VLAN" && ip link set "$IF" up ||
		result FAIL "no $IF"
fi

# ping_peer: COUNT echo requests to PEER_IP; prints ping_tx/ping_rx; 0 when every one came back.
ping_peer() {
	local out tx rx
	say "ping start uptime=$(up)"
	out=$(ping -c "$COUNT" -i "$INTERVAL" -W 3 "$PEER_IP" 2>&1)
	echo "$out"
	tx=$(echo "$out" | sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p')
	rx=$(echo "$out" | sed -n 's/.* \([0-9]*\) packets received.*/\1/p')
	say "ping_tx=${tx:-0}"
	say "ping_rx=${rx:-0}"
	[ "${rx:-0}" -gt 0 ] && [ "${rx:-0}" = "${tx:-x}" ]
}

hold_and_report() {  # let the host ping us, then print the counters
	if [ "$HOLD" != 0 ]; then
		say "hold=$HOLD uptime=$(up)"
		sleep "$HOLD"
	fi
	say "macsec-stats begin"
	ip -s macsec show
	say "macsec-stats end"
}

# shellcheck disable=SC2086 # $txo and $rxo are word lists
static_mode() {
	local txo rxo
	case "$CIPHER" in
	*xpn*)
		txo="xpn $TX_PN ssci $TX_SSCI salt $SALT"
		rxo="xpn $RX_PN ssci $RX_SSCI salt $SALT" ;;
	*)
		txo="pn $TX_PN"
		rxo="pn $RX_PN" ;;
	esac
	ip link add link "$IF" macsec0 type macsec port "$PORT" cipher "$CIPHER" encrypt "$ENCRYPT" \
		send_sci on replay on window "$REPLAY_WINDOW" validate strict || return 1
	ip macsec add macsec0 tx sa 0 $txo on key 01 "$TX_KEY" || return 1
	ip macsec add macsec0 rx port "$PEER_PORT" address "$PEER_MAC" || return 1
	ip macsec add macsec0 rx port "$PEER_PORT" address "$PEER_MAC" sa 0 $rxo on key 02 "$RX_KEY" ||
		return 1
	ip addr add "$VM_IP" dev macsec0
	ip link set macsec0 up
	ip -d link show macsec0
}

sas_on() {  # macsec0 has a TX SA and an RX SA in state on
	ip macsec show macsec0 2>/dev/null | awk '/TXSC:/ { sc = "tx" } /RXSC:/ { sc = "rx" }
		/^ *[0-3]: PN .*state on/ { on[sc] = 1 } END { exit !(on["tx"] && on["rx"]) }'
}

mka_mode() {
	local i secured=no
	cat >/etc/wpa.conf <<EOF
ctrl_interface=/var/run/wpa_supplicant
eapol_version=3
ap_scan=0
network={
	key_mgmt=NONE
	eapol_flags=0
	macsec_policy=$POLICY
	macsec_integ_only=$INTEG_ONLY
	macsec_port=$PORT
	mka_cak=$CAK
	mka_ckn=$CKN
	mka_priority=$PRIO
}
EOF
	say "$(wpa_supplicant -v | head -1)"
	# -K prints CAK/KEK/ICK/SAK: these are test keys, and the values help debug a peer's KDF.
	# Its log goes to a file, printed at the end, so that it cannot split our MGW: lines.
	wpa_supplicant -D macsec_linux -i "$IF" -c /etc/wpa.conf -dd -t -K >/tmp/wpa.log 2>&1 &
	WPA_PID=$!
	i=0
	while [ $i -lt $((SECURE_TIMEOUT * 2)) ]; do
		wpa_cli -i "$IF" status 2>/dev/null | grep -q '^Secured=Yes' && { secured=yes; break; }
		sleep 0.5
		i=$((i + 1))
	done
	# wpa_supplicant's CP may say SECURED before any SAK exists (seen with macsec_integ_only,
	# 2 s before its key server made the SAK): wait for the kernel's TX and RX SAs too.
	i=0
	while [ $secured = yes ] && [ $i -lt $((SECURE_TIMEOUT * 2)) ] && ! sas_on; do
		sleep 0.5
		i=$((i + 1))
	done
	sas_on || secured=no
	say "secured=$secured uptime=$(up)"
	say "wpa-status begin"
	wpa_cli -i "$IF" status
	say "wpa-status end"
	[ $secured = yes ] || return 1
	ip link set macsec0 up && ip addr add "$VM_IP" dev macsec0 || return 1
	ip -d link show macsec0
	sleep "$SETTLE"   # the peer may install its RX SA a little after we do
}

wpa_end() {  # stop wpa_supplicant, print its log
	[ -n "$WPA_PID" ] || return 0
	kill "$WPA_PID"; sleep 0.5
	say "wpa-log begin"; cat /tmp/wpa.log; say "wpa-log end"
}

case "$MODE" in
static) static_mode || result FAIL "ip macsec setup failed" ;;
mka) mka_mode || { hold_and_report; wpa_end; result FAIL "MKA not secured after ${SECURE_TIMEOUT}s"; } ;;
*) result FAIL "unknown MODE=$MODE" ;;
esac
ip macsec show
. /mgw-cmd.sh
if ping_peer; then rc=0; else rc=1; fi
hold_and_report
if [ "$MODE" = mka ]; then
	say "wpa-status begin"; wpa_cli -i "$IF" status; say "wpa-status end"
	wpa_end
fi
if [ $rc = 0 ]; then result PASS "ping $PEER_IP over macsec0"; fi
result FAIL "ping $PEER_IP over macsec0"
