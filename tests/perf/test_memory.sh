#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# No allocation on the hot path: under traffic the gateway's mempool occupancy and resident memory stay flat.
#
#   mgw-traffic (CPU 0)                     macsec-gw (control CPU 0, worker CPU 1)
#   generator --net_memif0 (client)=====(server) plain --protect--> protected (server)=====net_memif1-- sink
#   sink      <-net_memif0 ============(server) plain <-validate-- protected (server)=====net_memif1-- generator
#
#   every second: mbufs in use: the gateway's status (`mempool.in_use`) when it has it, else
#                 dpdk-proc-info (a DPDK secondary process on the gateway's file prefix)
#                 --show-mempool=gw_mbufs; /proc/PID/status -> RssAnon (heap), VmRSS
#
# Also checks that the start log reports the mempool as port.c derives it from the configuration
# (RX + TX descriptors of every queue, bursts in flight, per-lcore caches) and the resident memory.
# Not a timing test: it passes on a busy machine. Needs root and 2 MiB hugepages (a secondary
# process cannot attach to --no-huge memory); exits 77 (skipped) without them.
#
# usage: test_memory.sh [SECONDS]   traffic per direction (default 5), plus 1 s warm-up each
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$ROOT/build}
SECS=${1:-5}
PY=/usr/bin/python3
GW_BIN=$BUILD/app/macsec-gw
TR_BIN=$BUILD/app/mgw-traffic
CTL_BIN=$BUILD/app/macsecctl
PREFIX=mgwmem$$
. "$ROOT/scripts/lib/hugepages.sh"

[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (hugepages)"; exit 77; }
command -v dpdk-proc-info >/dev/null || { echo "SKIP: no dpdk-proc-info (Debian dpdk-dev)"; exit 77; }
[ -x "$TR_BIN" ] || { echo "SKIP: $TR_BIN not built"; exit 77; }

WORK=$(mktemp -d /tmp/mgw-mem.XXXXXX)
PIDS=()
. "$ROOT/scripts/lib/proc.sh"      # stop_pid
cleanup() {
	stop_pid "${PIDS[@]}"
	# Without --huge-unlink (a secondary must attach) the page files stay: they are ours.
	rm -f /dev/hugepages/"$PREFIX"* /dev/hugepages/"${PREFIX}"tr* 2>/dev/null || true
	rm -rf /var/run/dpdk/"$PREFIX" /var/run/dpdk/"${PREFIX}"tr 2>/dev/null || true
	hugepages_restore
	[ -n "${KEEP:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
fail() { echo "FAIL: $*" >&2; exit 1; }

hugepages_setup 384 || { echo "SKIP: no hugepages"; exit 77; }

GW_SCI=0200000a01000001
PEER_SCI=0200000b01000001
TXK=$(printf '1a%.0s' $(seq 16))
RXK=$(printf '2b%.0s' $(seq 16))
(umask 077; echo "$TXK" >"$WORK/tx.key"; echo "$RXK" >"$WORK/rx.key")
# Defaults everywhere the mempool formula looks: rx_desc/tx_desc 1024, one RX queue a port,
# one worker; mtu 1600 so IMIX's 1518-octet frames (no FCS: 1504 after the header) fit once
# protected, and the mbuf data room stays DPDK's default 2176.
cat >"$WORK/gw.yaml" <<YAML
control: {socket: $WORK/ctl.sock, lcore: 0}
workers: [1]
state_dir: $WORK/state
links:
  - name: mem0
    plain: {port: "net_memif0,role=server,id=0,socket=$WORK/plain.sock,socket-abstract=no"}
    protected: {port: "net_memif1,role=server,id=0,socket=$WORK/prot.sock,socket-abstract=no"}
    secy: {cipher_suite: gcm-aes-128, sci: "$GW_SCI", mtu: 1600}
    key_agreement: static
    static:
      tx_sa: [{an: 0, pn: 1, key_file: $WORK/tx.key}]
      rx_sc:
        - sci: "$PEER_SCI"
          sa: [{an: 0, pn: 1, key_file: $WORK/rx.key}]
YAML

"$GW_BIN" -l 0,1 --main-lcore 0 --file-prefix "$PREFIX" --no-pci --log-level=user1,info \
	-- -c "$WORK/gw.yaml" >"$WORK/gw.log" 2>&1 &
GW=$!
PIDS+=("$GW")
for _ in $(seq 1 200); do
	[ -S "$WORK/ctl.sock" ] && break
	kill -0 "$GW" 2>/dev/null || { cat "$WORK/gw.log"; fail "gateway exited"; }
	sleep 0.1
done
[ -S "$WORK/ctl.sock" ] || { cat "$WORK/gw.log"; fail "gateway did not start"; }

# 1. What the gateway says about its memory at start, against the configuration.
#    port.c: (rx_desc + tx_desc) x (plain RX queues + protected RX queues + 2 x TX queues)
#            + workers x burst 32 x 4 + (workers + 1) x cache 256 x 2
want=$(( (1024 + 1024) * (1 + 1 + 2 * 1) + 1 * 32 * 4 + (1 + 1) * 256 * 2 ))
grep -q "mempool: $want mbufs of 2176 octets" "$WORK/gw.log" ||
	{ grep mempool "$WORK/gw.log"; fail "start log does not report the mempool of $want mbufs x 2176 octets"; }
grep -Eq "resident [0-9]+ KiB" "$WORK/gw.log" || fail "start log does not report resident memory in KiB"
echo "start log: $(grep -E 'mempool|resident' "$WORK/gw.log" | sed 's/^USER1: //' | tr '\n' ';')"
if grep -qi "ring" "$WORK/gw.log"; then
	echo "start log rings: $(grep -i ring "$WORK/gw.log" | tr '\n' ';')"
else
	echo "NOTE: the start log does not give ring sizes (EAPOL 1024, control TX 256, RX/TX descriptors)"
fi

sample() { # LABEL: one line "LABEL in_use avail vmrss_kib rssanon_kib"
	local out in_use="" avail="" rss anon
	# The gateway's own status, once it reports its pool; else a DPDK secondary process
	# (DPDK 22.11's telemetry /mempool/info has no occupancy).
	out=$("$CTL_BIN" -s "$WORK/ctl.sock" status 2>/dev/null | $PY -c '
import json, sys
m = json.load(sys.stdin).get("mempool")
if m: print(m["in_use"], m["available"])' 2>/dev/null) || true
	if [ -n "$out" ]; then
		read -r in_use avail <<<"$out"
	else
		out=$(timeout 20 dpdk-proc-info --file-prefix "$PREFIX" --no-pci -- --show-mempool=gw_mbufs 2>/dev/null) || true
		in_use=$(sed -n 's/.*Count: avail (\([0-9]*\)), in use (\([0-9]*\)).*/\2/p' <<<"$out")
		avail=$(sed -n 's/.*Count: avail (\([0-9]*\)), in use (\([0-9]*\)).*/\1/p' <<<"$out")
	fi
	rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$GW/status")
	anon=$(awk '/^RssAnon/ { print $2 }' "/proc/$GW/status")
	[ -n "$in_use" ] || { echo "$out" | tail -5 >&2; fail "dpdk-proc-info gave no mempool count"; }
	echo "$1 $in_use $avail $rss $anon"
}

sample idle >"$WORK/samples"

# 2. Traffic both ways (IMIX), the gateway sampled every second while it runs.
"$TR_BIN" -l 0 --file-prefix "${PREFIX}tr" --no-pci --no-telemetry --log-level=lib.eal:error \
	--vdev "net_memif0,role=client,id=0,socket=$WORK/plain.sock,socket-abstract=no" \
	--vdev "net_memif1,role=client,id=0,socket=$WORK/prot.sock,socket-abstract=no" \
	-- --plain net_memif0 --protected net_memif1 --suite gcm-aes-128 \
	--gw-sci "$GW_SCI" --gw-key "$TXK" --peer-sci "$PEER_SCI" --peer-key "$RXK" \
	--size imix --seconds "$SECS" --warmup 1 --linger >"$WORK/traffic.jsonl" 2>"$WORK/traffic.log" &
TR=$!
PIDS+=("$TR")
t=0
# --linger: mgw-traffic keeps its memif ports after the rows; the gateway stops first (a
# memif server whose client leaves under a polling worker can crash: DPDK 22.11).
while ! grep -q "rows done" "$WORK/traffic.log" && [ $t -lt $((4 * SECS + 60)) ]; do
	kill -0 "$TR" 2>/dev/null || { cat "$WORK/traffic.log"; fail "mgw-traffic failed"; }
	sleep 1
	t=$((t + 1))
	# The first two seconds warm up (rings fill, caches settle): sampled but not judged.
	sample "$( [ $t -le 2 ] && echo warm || echo load)" >>"$WORK/samples"
done
grep -q "rows done" "$WORK/traffic.log" || fail "mgw-traffic did not finish in time"
sleep 0.5
sample after >>"$WORK/samples"
stop_pid "$GW"
stop_pid "$TR"
PIDS=()

# 3. The verdict.
$PY - "$WORK/samples" "$WORK/traffic.jsonl" "$want" <<'PY'
import json, sys
rows = [l.split() for l in open(sys.argv[1])]
traffic = [json.loads(l) for l in open(sys.argv[2])]
size = int(sys.argv[3])
s = [(k, int(u), int(a), int(r), int(n)) for k, u, a, r, n in rows]
load = [x for x in s if x[0] == "load"]
idle, after = s[0], s[-1]
fails = []
print("samples (kind, mbufs in use, available, VmRSS KiB, RssAnon KiB):")
for x in s:
    print("  %-5s %6d %6d %8d %8d" % x)
for t in traffic:
    print(f"traffic: {t['dir']} {t['size']}: {t['mpps']:.3f} Mpps, sent {t['sent']}, delivered "
          f"{t['delivered']}, bad {t['bad']}")
    if t["delivered"] == 0 or t["bad"]:
        fails.append(f"traffic {t['dir']}: delivered {t['delivered']}, bad {t['bad']} {t['bad_detail']}")
if len(load) < 3:
    fails.append(f"only {len(load)} samples under load")
else:
    u = [x[1] for x in load]
    r = [x[3] for x in load]
    a = [x[4] for x in load]
    # In flight at most: a burst per port and direction, the rings' share, the caches;
    # a leak of one mbuf per frame would empty the pool within milliseconds.
    bound = 1024
    print(f"mbufs in use under load: min {min(u)}, max {max(u)} of {size}; RssAnon (heap) under load "
          f"{min(a)}..{max(a)} KiB; VmRSS {min(r)}..{max(r)} KiB (memif regions the peer maps in "
          f"count there: shared, not allocated by the gateway); after: {after[1]} in use")
    if max(u) > bound:
        fails.append(f"up to {max(u)} mbufs in use under load (bound {bound})")
    if max(u) - min(u) > 512:
        fails.append(f"occupancy not flat: {min(u)}..{max(u)}")
    if max(a) - min(a) > 256:
        fails.append(f"heap (RssAnon) grew {max(a) - min(a)} KiB under load")
    if after[1] > idle[1] + 64:
        fails.append(f"{after[1] - idle[1]} mbufs not returned after the traffic")
    if after[1] + after[2] != size:
        fails.append(f"pool size {after[1] + after[2]} != {size}")
for f in fails:
    print("FAIL:", f)
sys.exit(1 if fails else 0)
PY
echo "PASS memory"
