#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Make the MACsec captures pktgen replays into the gateway's protected side, with a second macsec-gw as the DUT's peer.
#
#   clear-SIZE.pcap --> net_pcap [plain  macsec-gw, the peer  protected] net_pcap --> macsec-SIZE.pcap
#
# The peer's transmit SA is the DUT's receive SA (dut.yaml: SCI 0200000b01000001, key 2b..2b,
# PN from 1), so the DUT validates every frame. The frames are the gateway's own output, taken
# offline through net_pcap (no NIC, no hugepages); the same captures can come from a live
# gateway whose protected port is "net_pcap0,iface=IF,tx_pcap=FILE" or from a port mirror.
# Sizes are pktgen's (with FCS): the capture holds frames 4 octets shorter, as on the wire.
#
# usage: pktgen-profiles/make-pcaps.sh OUTDIR [FRAMES]      (FRAMES per capture, default 16384)
# env:   SUITE (gcm-aes-128), SIZES (64,128,256,512,1024,1280,1518,imix), BUILD (build),
#        PEER_KEY (2b x 16 or 32 octets), PEER_SCI (0200000b01000001), SSCI/SALT (XPN suites)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUTDIR=${1:?usage: make-pcaps.sh OUTDIR [FRAMES]}
N=${2:-16384}
SUITE=${SUITE:-gcm-aes-128}
SIZES=${SIZES:-64,128,256,512,1024,1280,1518,imix}
BUILD=${BUILD:-$ROOT/build}
PEER_SCI=${PEER_SCI:-0200000b01000001}
KLEN=16
[[ $SUITE == *256 ]] && KLEN=32
PEER_KEY=${PEER_KEY:-$(printf '2b%.0s' $(seq 1 $KLEN))}
SSCI=${SSCI:-2}
SALT=${SALT:-5a1e8d0c33a2f6b1c4d7e902}
GW=$BUILD/app/macsec-gw
CTL=$BUILD/app/macsecctl
[ -x "$GW" ] || { echo "make-pcaps: build $GW first (meson setup $BUILD && ninja -C $BUILD)" >&2; exit 1; }
mkdir -p "$OUTDIR"
WORK=$(mktemp -d /tmp/mgw-pcaps.XXXXXX)
GWPID=""
trap '[ -z "$GWPID" ] || kill -TERM "$GWPID" 2>/dev/null || true; rm -rf "$WORK" /var/run/dpdk/mgw-pcaps-$$' EXIT
trap 'exit 130' INT TERM

# Clear Ethernet/IPv4/UDP frames (as pktgen makes them: 192.0.2.1 -> 192.0.2.2, 4000 -> 5000).
/usr/bin/python3 - "$OUTDIR" "$N" "$SIZES" "$WORK/empty.pcap" <<'PY'
import struct, sys
out, n, sizes, empty = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(","), sys.argv[4]
IMIX = [64, 594, 64, 64, 1518, 64, 594, 64, 64, 594, 64, 594]
HDR = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)
open(empty, "wb").write(HDR)
def csum(b):
    s = sum(struct.unpack("!10H", b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF
def frame(size, i):                      # size with FCS; the frame is 4 shorter
    flen = size - 4
    ip = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, flen - 14, i & 0xFFFF, 0, 64, 17, 0,
                               bytes([192, 0, 2, 1]), bytes([192, 0, 2, 2])))
    ip[10:12] = struct.pack("!H", csum(bytes(ip)))
    udp = struct.pack("!HHHH", 4000, 5000, flen - 34, 0)
    pay = bytes((i + k) & 0xFF for k in range(flen - 42))
    return bytes.fromhex("02000000bb01020000 00aa010800".replace(" ", "")) + bytes(ip) + udp + pay
for s in sizes:
    with open(f"{out}/clear-{s}.pcap", "wb") as f:
        f.write(HDR)
        for i in range(n):
            size = IMIX[i % 12] if s == "imix" else int(s)
            fr = frame(size, i)
            f.write(struct.pack("<IIII", 0, 0, len(fr), len(fr)) + fr)
PY

XPN=""
[[ $SUITE == *xpn* ]] && XPN=", ssci: $SSCI, salt: \"$SALT\""
(umask 077; echo "$PEER_KEY" >"$WORK/peer.key")
IFS=, read -r -a LIST <<<"$SIZES"
for s in "${LIST[@]}"; do
  rm -f "$WORK/ctl.sock"
  cat >"$WORK/peer.yaml" <<YAML
control: {socket: $WORK/ctl.sock, lcore: 0}
workers: [1]
idle_sleep_us: 50
state_dir: $WORK/state-$s   # fresh per capture: each starts at PN 1
links:
  - name: peer
    plain: {port: "net_pcap0,rx_pcap=$OUTDIR/clear-$s.pcap,tx_pcap=$WORK/plain-out.pcap"}
    protected: {port: "net_pcap1,rx_pcap=$WORK/empty.pcap,tx_pcap=$OUTDIR/macsec-$s.pcap"}
    secy: {cipher_suite: $SUITE, sci: "$PEER_SCI", mtu: 1600}
    key_agreement: static
    static:
      tx_sa: [{an: 0, pn: 1, key_file: $WORK/peer.key$XPN}]
YAML
  "$GW" --no-huge -m 256 --no-pci --no-telemetry --file-prefix "mgw-pcaps-$$" -l 0,1 --main-lcore 0 \
    -- -c "$WORK/peer.yaml" >"$WORK/gw.log" 2>&1 &
  GWPID=$!
  done_n=0
  for _ in $(seq 1 600); do
    if [ -S "$WORK/ctl.sock" ]; then
      done_n=$("$CTL" -s "$WORK/ctl.sock" stats --json 2>/dev/null | /usr/bin/python3 -c \
        'import json,sys; t = json.load(sys.stdin)["links"][0]["tx_sc"]; print(t["OutPktsProtected"] + t["OutPktsEncrypted"])' || echo 0)
      [ "$done_n" -ge "$N" ] && break
    fi
    kill -0 "$GWPID" 2>/dev/null || { cat "$WORK/gw.log" >&2; exit 1; }
    sleep 0.1
  done
  kill -TERM "$GWPID"; wait "$GWPID" || true      # the capture is complete once the port closes
  GWPID=""
  [ "$done_n" -ge "$N" ] || { cat "$WORK/gw.log" >&2; echo "make-pcaps: $s: $done_n of $N protected" >&2; exit 1; }
  echo "$OUTDIR/macsec-$s.pcap: $N frames, $SUITE, SCI $PEER_SCI, PN 1..$N"
done
