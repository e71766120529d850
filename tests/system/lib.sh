# SPDX-License-Identifier: BSD-3-Clause
# Shared by the system tests and the demo: binaries, configs, cleanup by PID.
ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
GW_BIN=${GW_BIN:-$BUILD/app/macsec-gw}
CTL_BIN=${CTL_BIN:-$BUILD/app/macsecctl}
PY=/usr/bin/python3
FRAMES="$ROOT/tests/system/mgw_frames.py"
# shellcheck source=../../scripts/lib/topo.sh
. "$ROOT/scripts/lib/topo.sh"

PIDS=()
fail() { echo "FAIL: $*" >&2; exit 1; }
cleanup() {
	stop_pid "${PIDS[@]}"
	topo_down
	[ -n "${KEEP:-}" ] || rm -rf "${WORK:-/nonexistent}"
}

# True when the gateway is an AddressSanitizer build. (Not `ldd | grep -q`: grep quits at the
# first match, ldd dies of SIGPIPE, and under `set -o pipefail` the test reads "no".)
is_asan_build() {
	case "$(ldd "$GW_BIN" 2>/dev/null)" in *libasan*) return 0 ;; esac
	return 1
}

# Test keys per cipher suite (32 or 64 hex digits), and XPN extras.
key_for() { # SUITE BYTE
	local n=16
	case "$1" in *256) n=32 ;; esac
	printf "%0.s$2" $(seq 1 "$n")
}
XPN_SALT=0102030405060708090a0b0c

# gw_conf_head FILE NAME SOCKET PLAIN_IF PROT_IF SUITE MY_SCI: the gateway, one link on
# af_packet ports and its SecY; the key agreement part follows (write_gw_conf*).
# AFP_OPTS (optional): more net_af_packet devargs for both ports, e.g. framecnt=4096;
# AFP_PROT_OPTS: for the protected port only.
gw_conf_head() {
	local f=$1 name=$2 sock=$3 pif=$4 xif=$5 suite=$6 sci=$7
	cat >"$f" <<YAML
control: {socket: $sock, lcore: 0}
workers: [1]
idle_sleep_us: 50
state_dir: $(cd "$(dirname "$f")" && pwd)/state
links:
  - name: $name
    plain: {port: "net_af_packet_${name}p,iface=$pif,qpairs=1${AFP_OPTS:+,$AFP_OPTS}"}
    protected: {port: "net_af_packet_${name}x,iface=$xif,qpairs=1${AFP_OPTS:+,$AFP_OPTS}${AFP_PROT_OPTS:+,$AFP_PROT_OPTS}"}
    secy:
      cipher_suite: $suite
      encrypt: true
      include_sci: ${INCLUDE_SCI:-true}
      replay_protect: true
      replay_window: 64
      validate_frames: strict
      mtu: 1600
      sci: "$sci"
YAML
}

# write_gw_conf FILE NAME SOCKET PLAIN_IF PROT_IF SUITE TX_KEYFILE RX_KEYFILE MY_SCI PEER_SCI MY_SSCI PEER_SSCI
write_gw_conf() {
	local f=$1 name=$2 sock=$3 pif=$4 xif=$5 suite=$6 txk=$7 rxk=$8 sci=$9 peer=${10}
	local ssci=${11} pssci=${12} xtx="" xrx=""
	if [[ $suite == *xpn* ]]; then
		xtx=", ssci: $ssci, salt: \"$XPN_SALT\""
		xrx=", ssci: $pssci, salt: \"$XPN_SALT\""
	fi
	gw_conf_head "$f" "$name" "$sock" "$pif" "$xif" "$suite" "$sci"
	cat >>"$f" <<YAML
    key_agreement: static
    static:
      encoding_an: 0
      tx_sa:
        - {an: 0, pn: 1, key_file: $txk$xtx}
      rx_sc:
        - sci: "$peer"
          sa:
            - {an: 0, pn: 1, key_file: $rxk$xrx}
YAML
}

# ctl_get SOCKET PYTHON_EXPR: evaluate an expression over `macsecctl stats --json` (as s).
ctl_get() {
	"$CTL_BIN" -s "$1" stats --json | $PY -c "import json,sys; s=json.load(sys.stdin); print($2)"
}

# write_gw_conf_mka FILE NAME SOCKET PLAIN_IF PROT_IF SUITE CAK_FILE CKN_HEX MY_SCI PRIORITY [MKA_EXTRA]
# MKA_EXTRA: further YAML lines for the mka section, e.g. "eapol: {ethertype: 0x876F}".
write_gw_conf_mka() {
	local f=$1 name=$2 sock=$3 pif=$4 xif=$5 suite=$6 cak=$7 ckn=$8 sci=$9 prio=${10}
	local extra=${11:-}
	gw_conf_head "$f" "$name" "$sock" "$pif" "$xif" "$suite" "$sci"
	cat >>"$f" <<YAML
    key_agreement: mka
    mka:
      cak_file: $cak
      ckn: "$ckn"
      key_server_priority: $prio
${extra:+      $extra}
YAML
}

# The fault tests' injector: namespace ${P}in, where mgw_fault.py writes to and reads from one
# veth per gateway port it touches. inject_ns_up creates it; inject_ns_down removes it (cleanup).
inject_ns_up() {
	ip netns add "${P}in"
	ip netns exec "${P}in" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
}
inject_ns_down() { ip netns del "${P}in" 2>/dev/null || true; }

# inject_port NS DEV NAME: veth NAME in ${P}in whose frames arrive on DEV in NS as received.
# (u32 reads "at -4", inside the Ethernet header: a match at 0 would need 4 octets after it
# and let frames under 18 octets pass unredirected.)
inject_port() {
	local ns=$1 dev=$2 name=$3
	ip link add "$name" netns "${P}in" mtu 9000 type veth peer name "m$name" netns "$ns" mtu 9000
	ip -n "$ns" link set "m$name" up
	ip -n "${P}in" link set "$name" up
	ip netns exec "$ns" tc qdisc add dev "m$name" ingress
	ip netns exec "$ns" tc filter add dev "m$name" ingress protocol all u32 match u32 0 0 at -4 \
		action mirred ingress redirect dev "$dev" || fail "tc mirred (act_mirred, cls_u32) unavailable"
}
