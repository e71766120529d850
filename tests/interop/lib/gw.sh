# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash disable=SC2034  # settings for the scripts that source this
# Our gateway between the VM's TAP and a host namespace, for the interop tests (source this file).
#
#   (netns ${P}gw)                                                 (netns ${P}host)
#   VM eth0 ==virtio== TAP ${GW_TAP} [macsec-gw] ${GW_PLAIN} ------- ${HOST_IF} ${HOST_IP}
#                      protected port             plain port
#
# Both gateway ports are net_af_packet on those interfaces (GW_PMD=pcap: net_pcap). QEMU
# opens the TAP in ${P}gw, so nothing leaves the namespaces.
# SecY MTU 1500: af_packet ports take no frame over 1518 octets, and the VM's eth0 is 1500.
ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)}
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
GW_BIN=${GW_BIN:-$BUILD/app/macsec-gw}
CTL_BIN=${CTL_BIN:-$BUILD/app/macsecctl}
PY=/usr/bin/python3
HOST_PING=(busybox ping)   # busybox-static is a dependency anyway; iputils-ping may be absent
GW_PMD=${GW_PMD:-af_packet}
GW_TAP=mgwtap0 GW_PLAIN=gwplain HOST_IF=heth
GW_MAC=02:00:00:0a:01:00 GW_SCI=0200000a01000001   # TAP MAC || port 1
HOST_MAC=02:00:00:00:01:01 HOST_IP=192.0.2.1
VM_MAC=52:54:00:12:34:02 VM_SCI=5254001234020001 VM_IP=192.0.2.2
XPN_SALT=0102030405060708090a0b0c

topo_down() {
	ip netns del "${P}gw" 2>/dev/null || true
	ip netns del "${P}host" 2>/dev/null || true
}

topo_up() {
	local ns
	topo_down
	for ns in gw host; do
		ip netns add "${P}$ns"
		ip -n "${P}$ns" link set lo up
		ip netns exec "${P}$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1
	done
	# A persistent TAP that QEMU attaches to; the gateway's protected port binds it first.
	ip -n "${P}gw" tuntap add dev "$GW_TAP" mode tap
	ip -n "${P}gw" link set "$GW_TAP" address "$GW_MAC" up
	ip link add "$GW_PLAIN" netns "${P}gw" type veth peer name "$HOST_IF" netns "${P}host"
	ip -n "${P}gw" link set "$GW_PLAIN" up
	ip -n "${P}host" link set "$HOST_IF" address "$HOST_MAC" up
	ip -n "${P}host" addr add "$HOST_IP/24" dev "$HOST_IF"
}

# af_packet qpairs=2 on purpose: DPDK puts both sockets in one PACKET_FANOUT_HASH group, so
# the gateway must poll both RX queues (8e20425), or flows hashed to socket 1 are lost
# until that socket's 512-frame ring is full; the 64 UDP flows of the static test see it.
# qdisc_bypass=0 lets a capture on the same interface see what the gateway sends.
# net_pcap: one RX queue (incoming frames only, so our own TX does not loop back) and two
# TX queues (enough for up to two workers).
gw_port() {  # gw_port NAME IFACE: the DPDK device string for one gateway port
	case "$GW_PMD" in
	af_packet) echo "net_af_packet_$1,iface=$2,qpairs=2,qdisc_bypass=0" ;;
	pcap) echo "net_pcap_$1,rx_iface_in=$2,tx_iface=$2,tx_iface=$2" ;;
	*) echo "unknown GW_PMD=$GW_PMD" >&2; return 1 ;;
	esac
}

# gw_conf_static FILE SOCK SUITE TX_KEYFILE TX_PN RX_KEYFILE RX_PN [ENCRYPT [INCLUDE_SCI]]: our
# SecY (SCI GW_SCI, SSCI 2 with XPN) and one RX SC for the VM (SCI VM_SCI, SSCI 1). The shape
# is the one tests/system/lib.sh writes, with the first PN of each SA given. ENCRYPT false:
# integrity only; INCLUDE_SCI false: SecTAGs without the SCI.
gw_conf_static() {
	local f=$1 sock=$2 suite=$3 txk=$4 txpn=$5 rxk=$6 rxpn=$7 encrypt=${8:-true}
	local include_sci=${9:-true} xtx="" xrx=""
	if [[ $suite == *xpn* ]]; then
		xtx=", ssci: 2, salt: \"$XPN_SALT\""
		xrx=", ssci: 1, salt: \"$XPN_SALT\""
	fi
	cat >"$f" <<YAML
# interop: macsec-gw opposite the Linux kernel's macsec0 (static keys, $suite, encrypt $encrypt)
control: {socket: $sock, lcore: 0}
workers: [1]
# Each run its own PN state: the runs reuse one test key across suites, and the XPN runs'
# PNs above 2^32 would rightly stop a later 32-bit run on that key (docs/pn-state.md).
state_dir: $(cd "$(dirname "$f")" && pwd)/pn-state
idle_sleep_us: 50
links:
  - name: kvm
    plain: {port: "$(gw_port ip "$GW_PLAIN")"}
    protected: {port: "$(gw_port ix "$GW_TAP")"}
    secy:
      cipher_suite: $suite
      encrypt: $encrypt
      include_sci: $include_sci
      replay_protect: true
      replay_window: 0
      validate_frames: strict
      mtu: 1500
      sci: "$GW_SCI"
    key_agreement: static
    static:
      encoding_an: 0
      tx_sa:
        - {an: 0, pn: $txpn, key_file: $txk$xtx}
      rx_sc:
        - sci: "$VM_SCI"
          sa:
            - {an: 0, pn: $rxpn, key_file: $rxk$xrx}
YAML
}

# gw_conf_mka FILE SOCK CAK_FILE CKN PRIORITY [VLAN [ENCRYPT]]: GCM-AES-128 SecY keyed by our
# MKA; with VLAN (not 0), one 802.1Q tag in clear and MKPDUs tagged with VLAN (a peer on a VLAN
# device); ENCRYPT false: integrity only.
gw_conf_mka() {
	local f=$1 sock=$2 cak=$3 ckn=$4 prio=$5 vlan=${6:-0} encrypt=${7:-true} tags="" eapol=""
	if [ "$vlan" != 0 ]; then
		tags="
      vlan_tags_in_clear: 1"
		eapol="
      eapol: {vlan: $vlan}"
	fi
	cat >"$f" <<YAML
# interop: macsec-gw opposite wpa_supplicant's MKA (PSK CAK), GCM-AES-128, encrypt $encrypt
control: {socket: $sock, lcore: 0}
workers: [1]
idle_sleep_us: 50
links:
  - name: kvm
    plain: {port: "$(gw_port ip "$GW_PLAIN")"}
    protected: {port: "$(gw_port ix "$GW_TAP")"}
    secy:
      cipher_suite: gcm-aes-128
      encrypt: $encrypt
      include_sci: true
      replay_protect: true
      replay_window: 0
      validate_frames: strict
      mtu: 1500$tags
      sci: "$GW_SCI"
    key_agreement: mka
    mka:
      cak_file: $cak
      ckn: "$ckn"
      key_server_priority: $prio
      hello_time_ms: 2000
      policy: must-secure$eapol
YAML
}

# gw_start NS CONF LOG: start macsec-gw in NS; GW_PID is its PID (ip netns exec execs it).
gw_start() {
	local ns=$1 conf=$2 log=$3
	GW_PREFIX=mgwi-$$-$RANDOM
	ip netns exec "$ns" "$GW_BIN" --no-huge -m 256 --no-pci --no-telemetry \
		--file-prefix "$GW_PREFIX" -l 0,1 --main-lcore 0 --log-level=user1,info \
		-- -c "$conf" >"$log" 2>&1 &
	GW_PID=$!
}

gw_stop() {  # stop the gateway by PID; drop the EAL runtime dir a killed one leaves behind
	stop_pid "${GW_PID:-}"
	[ -n "${GW_PREFIX:-}" ] && rm -rf "/var/run/dpdk/$GW_PREFIX"
	GW_PID="" GW_PREFIX=""
}

gw_wait_ready() {  # SOCK PID SECONDS: the control socket answers
	local i
	for ((i = 0; i < $3 * 10; i++)); do
		kill -0 "$2" 2>/dev/null || return 1
		timeout 5 "$CTL_BIN" -s "$1" status >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

stop_pid() {  # PID...: TERM, up to 5 s, then KILL; each by its own PID
	local pid i
	for pid in "$@"; do
		[ -n "$pid" ] || continue
		kill -TERM "$pid" 2>/dev/null || continue
		for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
}

gw_stats() {  # SOCK OUT: `macsecctl stats --json` into OUT
	timeout 10 "$CTL_BIN" -s "$1" stats --json >"$2"
}

json_get() {  # FILE EXPR: a Python expression over the JSON document `s`
	"$PY" -c "import json,sys; s=json.load(open(sys.argv[1])); print($2)" "$1"
}
