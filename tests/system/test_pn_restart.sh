#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# PN safety across restarts (docs/pn-state.md): a gateway with static keys under steady
# traffic is killed with SIGKILL at random moments and restarted, N times (and once stopped
# cleanly); every frame on the wire is captured and no PN may appear twice under the key, and
# each run must begin above every PN sent before it. Then a corrupt state file must stop the
# start (exit 2), and --pn-state-discard, which starts over at the configured PN, must be
# caught reusing PNs by the same check: the check itself is shown to work.
#
#   ns ${P}pn:
#     src-eth --veth-- g-plain [ macsec-gw, static SA, state_dir ] g-prot --veth-- cap-eth
#     (python raw sender, ~5k fps)                                    (tcpdump -s 64: wire.pcap)
#
# usage: test_pn_restart.sh [SUITE] [N]   (default gcm-aes-128, 8 kills); needs root
set -euo pipefail
SUITE=${1:-gcm-aes-128}
N=${2:-8}
. "$(dirname "$0")/lib.sh"
P="mgw-pnr$$-"
NS="${P}pn"
WORK=$(mktemp -d /tmp/mgw-pnr.XXXXXX)
SENDER=""
teardown() {
	[ -n "$SENDER" ] && kill "$SENDER" 2>/dev/null
	stop_pid "${PIDS[@]}"
	ip netns del "$NS" 2>/dev/null || true
	[ -n "${KEEP:-}" ] || rm -rf "$WORK"
}
trap teardown EXIT
[ -x "$GW_BIN" ] || fail "no $GW_BIN (build first)"
umask 077

# --- topology ---
ip netns add "$NS"
ip -n "$NS" link set lo up
ip netns exec "$NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip -n "$NS" link add src-eth type veth peer name g-plain
ip -n "$NS" link add g-prot type veth peer name cap-eth
for i in src-eth g-plain g-prot cap-eth; do ip -n "$NS" link set "$i" mtu 1600 up; done

# --- configuration: random key, small reservations so that renewals happen every second ---
head -c "$([[ $SUITE == *256 ]] && echo 32 || echo 16)" /dev/urandom | od -An -tx1 | tr -d ' \n' >"$WORK/tx.key"
head -c "$([[ $SUITE == *256 ]] && echo 32 || echo 16)" /dev/urandom | od -An -tx1 | tr -d ' \n' >"$WORK/rx.key"
XTX=""; XRX=""
if [[ $SUITE == *xpn* ]]; then XTX=", ssci: 1, salt: \"$XPN_SALT\""; XRX=", ssci: 2, salt: \"$XPN_SALT\""; fi
MY_SCI=0200000a01000001
cat >"$WORK/gw.yaml" <<YAML
control: {socket: $WORK/gw.sock, lcore: 0}
workers: [1]
idle_sleep_us: 20
state_dir: $WORK/state
pn_reserve: 256
links:
  - name: pnr
    plain: {port: "net_af_packet_pnrp,iface=g-plain,qpairs=1"}
    protected: {port: "net_af_packet_pnrx,iface=g-prot,qpairs=1"}
    secy: {cipher_suite: $SUITE, sci: "$MY_SCI", mtu: 1600}
    key_agreement: static
    static:
      tx_sa:
        - {an: 0, pn: 1, key_file: $WORK/tx.key$XTX}
      rx_sc:
        - sci: "0200000b01000001"
          sa:
            - {an: 0, pn: 1, key_file: $WORK/rx.key$XRX}
YAML
"$GW_BIN" -- -c "$WORK/gw.yaml" --check-config >/dev/null || fail "config"

GW=""
gw_run() { # LOG [extra app args]: start the gateway in the namespace, wait for its socket
	local log=$1; shift
	ip netns exec "$NS" "$GW_BIN" --no-huge -m 256 --no-pci --no-telemetry \
		--file-prefix "${P}gw" -l 0,1 --main-lcore 0 --log-level=user1,info \
		-- -c "$WORK/gw.yaml" "$@" >"$log" 2>&1 &
	GW=$!
	PIDS=("$GW")
	gw_wait_socket "$WORK/gw.sock" "$GW" 20
}

# --- traffic and capture for the whole test ---
ip netns exec "$NS" tcpdump -i cap-eth -s 64 -U -w "$WORK/wire.pcap" ether proto 0x88e5 \
	>/dev/null 2>"$WORK/tcpdump.log" &
PIDS_CAP=$!
ip netns exec "$NS" "$PY" - <<'PY' &
import socket, struct, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("src-eth", 0))
hdr = bytes.fromhex("020000000002" "020000000001") + struct.pack("!H", 0x88B5)
seq = 0
while True:                       # ~5000 frames/s in bursts of 50
    t = time.monotonic()
    for _ in range(50):
        try:
            s.send(hdr + struct.pack("!Q", seq) + bytes(50))
        except OSError:
            pass
        seq += 1
    time.sleep(max(0.0, 0.01 - (time.monotonic() - t)))
PY
SENDER=$!
sleep 1

# --- N lives ended by SIGKILL at a random moment, then one clean stop, then one more kill ---
: >"$WORK/runs.txt"
life() { # HOW: kill | term
	local how=$1 t0 t1 rc=0 ms
	gw_run "$WORK/gw.$(wc -l <"$WORK/runs.txt").log" || { cat "$WORK"/gw.*.log; fail "gateway did not start"; }
	t0=$(date +%s.%N)
	ms=$((200 + RANDOM % 2800))
	sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
	if [ "$how" = kill ]; then kill -KILL "$GW"; else kill -TERM "$GW"; fi
	wait "$GW" 2>/dev/null || rc=$?
	t1=$(date +%s.%N)           # the process is gone: no frame of this run comes later
	PIDS=()
	echo "$t0 $t1 $how $rc" >>"$WORK/runs.txt"
	if [ "$how" = term ] && [ "$rc" -ne 0 ]; then fail "clean stop exited $rc"; fi
	if [ "$how" = kill ] && [ "$rc" -ne 137 ]; then fail "SIGKILL: exit status $rc"; fi
}
for _ in $(seq 1 "$N"); do life kill; done
life term
life kill
sleep 0.5
kill -INT "$PIDS_CAP" 2>/dev/null; wait "$PIDS_CAP" 2>/dev/null || true
cp "$WORK/wire.pcap" "$WORK/wire1.pcap"

# --- the check: capture order, frames assigned to runs by time, XPN bits recovered ---
cat >"$WORK/check.py" <<'PY'
import struct, sys
pcaps, runs_file, xpn = sys.argv[1].split(","), sys.argv[2], sys.argv[3] == "1"
runs = [l.split() for l in open(runs_file)]
frames = []
for path in pcaps:
    d = open(path, "rb").read()
    magic = struct.unpack("<I", d[:4])[0]
    if magic not in (0xA1B2C3D4, 0xA1B23C4D):
        sys.exit(f"{path}: not a little-endian pcap")
    div = 1e6 if magic == 0xA1B2C3D4 else 1e9
    off = 24
    while off + 16 <= len(d):
        sec, frac, caplen, _ = struct.unpack("<IIII", d[off:off + 16])
        b = d[off + 16:off + 16 + caplen]
        off += 16 + caplen
        if len(b) < 20 or b[12:14] != b"\x88\xe5":
            continue
        tci = b[14]
        sci = b[20:28].hex() if tci & 0x20 else "implicit:" + b[6:12].hex()
        frames.append((sec + frac / div, sci, tci & 3, struct.unpack("!I", b[16:20])[0]))
if not frames:
    sys.exit("no MACsec frame captured")
seen, last, dup = {}, {}, []
for ts, sci, an, lo in frames:            # 802.1AE 10.6.2: recover the high half (XPN)
    k = (sci, an)
    pn = lo
    if xpn:
        hi = last.get(k, 0) >> 32
        if (last.get(k, 0) & 0x80000000) and not (lo & 0x80000000):
            hi += 1
        pn = hi << 32 | lo
        last[k] = max(last.get(k, 0), pn)
    if pn in seen.setdefault(k, set()):
        dup.append((k, pn))
    seen[k].add(pn)
# Per run: the frames between the previous process's end and this one's; each run must
# start above all that came before (its first PN is what the state file gave it).
per_run, prev_max, bad = [], 0, []
for i, (t0, t1, how, rc) in enumerate(runs):
    lo_t = float(runs[i - 1][1]) if i > 0 else 0.0
    pns = [pn for ts, sci, an, pn in frames if lo_t <= ts < float(t1)]
    if pns and prev_max and min(pns) <= prev_max:
        bad.append(f"run {i} ({how}) sent PN {min(pns)} not above {prev_max}")
    per_run.append((how, len(pns), min(pns) if pns else 0, max(pns) if pns else 0))
    prev_max = max([prev_max] + pns)
for i, (how, n, lo, hi) in enumerate(per_run):
    print(f"run {i:2d} {how:4s}: {n:6d} frames, PN {lo:#x} .. {hi:#x}")
total = sum(len(v) for v in seen.values())
print(f"{len(frames)} MACsec frames, {total} distinct (SCI, AN, PN); reused: {len(dup)}")
for k, pn in dup[:5]:
    print(f"  PN {pn:#x} reused on SCI {k[0]} AN {k[1]}")
for b in bad[:5]:
    print("  " + b)
quiet = [i for i, r in enumerate(per_run) if r[1] < 20]
if quiet:
    print(f"runs with (almost) no traffic: {quiet}")
sys.exit(1 if dup or bad else (3 if quiet else 0))
PY
XPN=0; [[ $SUITE == *xpn* ]] && XPN=1
rc=0; $PY "$WORK/check.py" "$WORK/wire1.pcap" "$WORK/runs.txt" $XPN | tee "$WORK/check.txt" || rc=$?
[ "$rc" -eq 3 ] && fail "a run sent (almost) nothing: the test proves nothing"
[ "$rc" -eq 0 ] || fail "PN reused across restarts"
grep -q "reused: 0" "$WORK/check.txt" || fail "check output"
ls "$WORK/state" >"$WORK/state.ls"
grep -q '^pnr.pn$' "$WORK/state.ls" || fail "no state file"
! grep -q 'tmp' "$WORK/state.ls" || fail "a temp file was left: $(cat "$WORK/state.ls")"

# --- a corrupt state file stops the start with exit 2 ---
cp "$WORK/state/pnr.pn" "$WORK/pnr.pn.good"
head -c 60 "$WORK/pnr.pn.good" >"$WORK/state/pnr.pn"
rc=0
ip netns exec "$NS" "$GW_BIN" --no-huge -m 256 --no-pci --no-telemetry --file-prefix "${P}gw" \
	-l 0,1 --main-lcore 0 -- -c "$WORK/gw.yaml" >"$WORK/corrupt.log" 2>&1 || rc=$?
[ "$rc" -eq 2 ] || { cat "$WORK/corrupt.log"; fail "corrupt state file: exit $rc, want 2"; }
grep -q "pnr.pn is unusable" "$WORK/corrupt.log" && grep -q -- "--pn-state-discard" "$WORK/corrupt.log" ||
	{ cat "$WORK/corrupt.log"; fail "corrupt state file: message"; }

# --- control: the override starts over at PN 1 and the check must see the reuse ---
ip netns exec "$NS" tcpdump -i cap-eth -s 64 -U -w "$WORK/wire2.pcap" ether proto 0x88e5 \
	>/dev/null 2>&1 &
PIDS_CAP=$!
sleep 0.5
gw_run "$WORK/discard.log" --pn-state-discard || { cat "$WORK/discard.log"; fail "--pn-state-discard did not start"; }
grep -q "set aside" "$WORK/discard.log" || fail "--pn-state-discard: no message"
t0=$(date +%s.%N); sleep 1.5; t1=$(date +%s.%N)
stop_pid "$GW"; PIDS=()
echo "$t0 $t1 discard 0" >>"$WORK/runs.txt"
kill -INT "$PIDS_CAP" 2>/dev/null; wait "$PIDS_CAP" 2>/dev/null || true
rc=0; $PY "$WORK/check.py" "$WORK/wire1.pcap,$WORK/wire2.pcap" "$WORK/runs.txt" $XPN >"$WORK/control.txt" || rc=$?
[ "$rc" -eq 1 ] || { cat "$WORK/control.txt"; fail "control: the check did not see the reuse"; }
echo "control: $(grep reused "$WORK/control.txt")"

echo "PASS pn-restart $SUITE ($N kills)"
