#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The gateway on net_pcap ports: clear frames in on the plain port come out on the protected
# port as MACsec that scapy validates and decrypts back; scapy-protected frames in on the
# protected port come out on the plain port as the original clear frames.
#
#   clear.pcap --> [plain  macsec-gw  protected] --> prot_out.pcap   (checked by scapy)
#   plain_out.pcap <-- [plain  macsec-gw  protected] <-- prot_in.pcap (made by scapy)
#
# usage: test_pcap.sh SUITE
set -euo pipefail
SUITE=${1:-gcm-aes-128}
. "$(dirname "$0")/lib.sh"
WORK=$(mktemp -d /tmp/mgw-pcap.XXXXXX)
trap 'stop_pid "${PIDS[@]}"; [ -n "${KEEP:-}" ] || rm -rf "$WORK"' EXIT
N=60
umask 077
key_for "$SUITE" 4d >"$WORK/tx.key"; key_for "$SUITE" 5e >"$WORK/rx.key"
MY_SCI=0200000a01000001; PEER_SCI=0200000b01000001
SA_TX="$SUITE:$(cat "$WORK/tx.key"):$MY_SCI"; SA_RX="$SUITE:$(cat "$WORK/rx.key"):$PEER_SCI"
if [[ $SUITE == *xpn* ]]; then SA_TX+=":1:$XPN_SALT"; SA_RX+=":2:$XPN_SALT"; fi

$PY "$FRAMES" gen-clear "$WORK/clear.pcap" $N
$PY "$FRAMES" protect "$WORK/clear.pcap" "$WORK/prot_in.pcap" "$SA_RX"

write_gw_conf "$WORK/gw.yaml" pc "$WORK/gw.sock" x x "$SUITE" "$WORK/tx.key" "$WORK/rx.key" "$MY_SCI" "$PEER_SCI" 1 2
sed -i "s|port: \"net_af_packet_pcp,iface=x,qpairs=1\"|port: \"net_pcap_p,rx_pcap=$WORK/clear.pcap,tx_pcap=$WORK/plain_out.pcap\"|; s|port: \"net_af_packet_pcx,iface=x,qpairs=1\"|port: \"net_pcap_x,rx_pcap=$WORK/prot_in.pcap,tx_pcap=$WORK/prot_out.pcap\"|" "$WORK/gw.yaml"
grep -q net_pcap_x "$WORK/gw.yaml" || fail "config rewrite"

"$GW_BIN" --no-huge -m 256 --no-pci --no-telemetry --file-prefix "mgw-pcap-$$" -l 0,1 --main-lcore 0 \
	-- -c "$WORK/gw.yaml" >"$WORK/gw.log" 2>&1 &
GW=$!; PIDS+=("$GW")
gw_wait_socket "$WORK/gw.sock" "$GW" 20 || { cat "$WORK/gw.log"; fail "gateway did not start"; }
for _ in $(seq 1 100); do
	done_n=$(ctl_get "$WORK/gw.sock" "s['links'][0]['tx_sc']['OutPktsEncrypted'] + s['links'][0]['rx_sc'][0]['InPktsOK']")
	[ "$done_n" -ge $((2 * N)) ] && break
	sleep 0.1
done
ctl_get "$WORK/gw.sock" "s['links'][0]['secy']" >"$WORK/secy.txt"
stop_pid "$GW"       # pcap files are complete once the ports close
[ "$done_n" -eq $((2 * N)) ] || { cat "$WORK/secy.txt"; fail "processed $done_n of $((2 * N)) frames"; }

$PY "$FRAMES" check "$WORK/prot_out.pcap" "$SA_TX" --expect "$WORK/clear.pcap" --min $N || fail "protected output"
$PY "$FRAMES" same "$WORK/plain_out.pcap" "$WORK/clear.pcap" || fail "validated output"
echo "PASS pcap $SUITE"
