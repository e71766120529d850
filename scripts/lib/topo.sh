# SPDX-License-Identifier: BSD-3-Clause
# Namespace topology for the demo and the system tests (source this file).
#
#   ns ${P}hA            ns ${P}gA                         ns ${P}gB            ns ${P}hB
#  +---------+     +------------------+   the wire   +------------------+     +---------+
#  | hA-eth  |-----| gA-plain  gA-prot|--------------|gB-prot  gB-plain |-----| hB-eth  |
#  |192.0.2.1|     |   macsec-gw A    |  (MACsec)    |   macsec-gw B    |     |192.0.2.2|
#  +---------+     +------------------+              +------------------+     +---------+
#
# Each gateway runs inside its namespace on net_af_packet ports bound to its veth ends.
# Only the addresses created here are used; nothing leaves the namespaces.

: "${P:=mgw-}"               # name prefix, so several topologies can coexist
HOST_A_IP=192.0.2.1
HOST_B_IP=192.0.2.2
# Fixed MACs give fixed SCIs (MAC || port 1).
GA_SCI=0200000a01000001
GB_SCI=0200000b01000001
GA_PROT_MAC=02:00:00:0a:01:00
GB_PROT_MAC=02:00:00:0b:01:00
WIRE_MTU=${WIRE_MTU:-1600}

# CARRIER=1: the wire is a Linux bridge in namespace ${P}cr (a carrier's L2 service) with the
# default group_fwd_mask, so it drops frames to the 802.1X PAE group address 01:80:C2:00:00:03:
#   gA-prot --- crA [br0 in ${P}cr] crB --- gB-prot
CARRIER=${CARRIER:-0}

topo_down() {
	local ns
	for ns in hA gA gB hB cr; do
		ip netns del "${P}$ns" 2>/dev/null || true
	done
}

topo_up() {
	topo_down
	local ns
	for ns in hA gA gB hB; do
		ip netns add "${P}$ns"
		ip -n "${P}$ns" link set lo up
		# No IPv6 chatter on the wire: captures hold only the test traffic.
		ip netns exec "${P}$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1
	done
	ip link add hA-eth netns "${P}hA" type veth peer name gA-plain netns "${P}gA"
	if [ "$CARRIER" = 1 ]; then
		ip netns add "${P}cr"
		ip -n "${P}cr" link set lo up
		ip link add gA-prot netns "${P}gA" type veth peer name crA netns "${P}cr"
		ip link add gB-prot netns "${P}gB" type veth peer name crB netns "${P}cr"
		ip -n "${P}cr" link add br0 type bridge    # group_fwd_mask 0: PAE group frames dropped
		for ifc in crA crB; do
			ip -n "${P}cr" link set "$ifc" mtu "$WIRE_MTU" master br0 up
		done
		ip -n "${P}cr" link set br0 up
	else
		ip link add gA-prot netns "${P}gA" type veth peer name gB-prot netns "${P}gB"
	fi
	ip link add gB-plain netns "${P}gB" type veth peer name hB-eth netns "${P}hB"
	ip -n "${P}gA" link set gA-prot address "$GA_PROT_MAC" mtu "$WIRE_MTU"
	ip -n "${P}gB" link set gB-prot address "$GB_PROT_MAC" mtu "$WIRE_MTU"
	for ifc in gA-plain gA-prot; do ip -n "${P}gA" link set "$ifc" up; done
	for ifc in gB-plain gB-prot; do ip -n "${P}gB" link set "$ifc" up; done
	ip -n "${P}hA" addr add "$HOST_A_IP/24" dev hA-eth
	ip -n "${P}hB" addr add "$HOST_B_IP/24" dev hB-eth
	ip -n "${P}hA" link set hA-eth up
	ip -n "${P}hB" link set hB-eth up
	# TCP over veth leaves checksums to an offload that af_packet never does.
	ip netns exec "${P}hA" ethtool -K hA-eth tx off >/dev/null
	ip netns exec "${P}hB" ethtool -K hB-eth tx off >/dev/null
}

# gw_start NAME NS CONFIG LOGFILE: start macsec-gw in NS, echo its PID.
gw_start() {
	local name=$1 ns=$2 conf=$3 log=$4
	ip netns exec "$ns" "$GW_BIN" --no-huge -m 256 --no-pci --no-telemetry \
		--file-prefix "${P}${name}-$$" -l 0,1 --main-lcore 0 --log-level=user1,info \
		-- -c "$conf" >"$log" 2>&1 &
	echo $!
}

# gw_wait_socket SOCKET PID SECONDS: wait until the control socket answers.
gw_wait_socket() {
	local sock=$1 pid=$2 t=$3 i
	for ((i = 0; i < t * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || return 1
		"$CTL_BIN" -s "$sock" status >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# stop_pid comes from scripts/lib/proc.sh.
. "$(dirname "${BASH_SOURCE[0]}")/proc.sh"
