#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# End-to-end benchmark without NICs: mgw-traffic <-memif-> macsec-gw, every suite, size and direction.
#
#   CPU 0                                                  CPU 1
#  +-------------------------------+  net_memif (shared   +--------------------------------+
#  | mgw-traffic (one lcore)       |  memory rings)       | macsec-gw worker (lcore 1)     |
#  |  generator --> net_memif0 ====|======================|==> plain     -- protect -->    |
#  |  sink      <-- net_memif1 ====|======================|==< protected <-- validate --   |
#  |  (memif clients)              |                      |  (servers)    control lcore 0  |
#  +-------------------------------+                      +--------------------------------+
#
# One gateway per cipher suite (static keys), with two links on its one worker: bench0 with
# MACsec, and clear0 with MACsec off (secy protect_frames false, validate_frames disabled:
# frames forwarded untouched), the port ceiling, on its own pair of memif ports (not drawn).
# mgw-traffic saturates every size in both directions on clear0 and then on bench0, attempt
# after attempt (best of REPEAT; the pairs give the ratio), protect: clear frames into the
# plain port, MACsec out of the protected one; validate: MACsec frames made with the
# gateway's peer key into the protected port, clear out of the plain one (RESEND=1: each
# row's 4092 frames protected once and sent in cycles, so that the generator pays no AES-GCM
# per frame; the gateway's replay window, 4096, lets the repeated PNs pass: 802.1AE 10.6.2
# accepts any PN at or above the lowest acceptable PN). It checks what
# comes back, then times frames at 10/50/90 % of the measured rate. Sample frames of every
# row are checked afterwards with scapy (tests/perf/bench_check.py); perf profiles the
# worker at 1514 octets. About 6 minutes with the defaults (4 suites x 8 sizes x 2 directions
# x 2 links x 3 attempts, latency for GCM-AES-128), 9 with the in-memory part.
#
# Usage: scripts/bench.sh [--measure-only FILE.jsonl]
#   without it, the results go on to scripts/perf-report.sh, which adds the in-memory
#   macsec-bench figures and writes docs/performance.md (the only writer of that file).
# Env: BUILD (build), SUITES (all four), SIZES (64,128,256,512,1024,1514,9000,imix),
#      SECONDS_PER_ROW (0.5), REPEAT (3: best of), WARMUP (0.2), LATENCY (0.1,0.5,0.9),
#      LATENCY_SIZES (64,1514,imix), LATENCY_CONFIGS (gcm-aes-128: suites with latency runs),
#      HUGEPAGES (512; 0 = without), BSIZE (memif buffer, 10240), PROFILE (1: perf profile of
#      the worker at 1514 octets), MEM_ARGS (macsec-bench options for the in-memory part, e.g.
#      "--seconds 0.2"), NICE (-20), OUT (docs/performance.md), KEEP=1 keeps the work dir,
#      RESEND (1; 0: validate frames protected anew each, fresh PNs, replay window 64).
# Root (hugepages). Bounded: every process is stopped by PID and has a time limit.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=${BUILD:-build}
SUITES=${SUITES:-gcm-aes-128,gcm-aes-256,gcm-aes-xpn-128,gcm-aes-xpn-256}
SIZES=${SIZES:-64,128,256,512,1024,1514,9000,imix}
SECONDS_PER_ROW=${SECONDS_PER_ROW:-0.5}
REPEAT=${REPEAT:-3}        # saturating rows: best of this many (other work only lowers a rate)
WARMUP=${WARMUP:-0.2}
LATENCY=${LATENCY:-0.1,0.5,0.9}
LATENCY_SIZES=${LATENCY_SIZES:-64,1514,imix}
LATENCY_CONFIGS=${LATENCY_CONFIGS:-gcm-aes-128}
HUGEPAGES=${HUGEPAGES:-512}
PROFILE=${PROFILE:-1}      # perf profile of the worker at 1514 octets (ceiling, GCM-AES-128)
BSIZE=${BSIZE:-10240}      # memif buffer: one buffer per frame up to 9000 octets + SecTAG/ICV
RESEND=${RESEND:-1}        # validate: resend each row's protected frame set (see above)
NICE=${NICE:--20}          # gateway and generator run at this nice level: other work on a
                           # shared 2-CPU machine gets a few % of the CPUs while a row runs
MEASURE_ONLY=""
if [ "$RESEND" = 1 ]; then
  REPLAY_WINDOW=4096       # >= mgw-traffic's set of 4092 frames (TRAFFIC_SET_FRAMES)
  RESEND_OPT=(--resend-set)
else
  REPLAY_WINDOW=64
  RESEND_OPT=()
fi
if [ "${1:-}" = --measure-only ]; then
  MEASURE_ONLY=${2:?--measure-only FILE}
  shift 2
fi
[ $# -eq 0 ] || { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }

PY=/usr/bin/python3
GW=$BUILD/app/macsec-gw
TR=$BUILD/app/mgw-traffic
. scripts/lib/hugepages.sh
command -v perf >/dev/null || PROFILE=0

WORK=$(mktemp -d /tmp/mgw-bench.XXXXXX)
GWPID=""
TRPID=""
PERFPID=""
. scripts/lib/proc.sh      # stop_pid
cleanup() {
  stop_pid "$PERFPID" "$GWPID" "$TRPID"
  rm -f /dev/hugepages/mgwb$$* 2>/dev/null || true
  rm -rf /var/run/dpdk/mgwb$$* 2>/dev/null || true
  hugepages_restore
  [ -n "${KEEP:-}" ] && echo "bench: work dir kept: $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== build ($BUILD)"
[ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" >/dev/null
if ! ninja -C "$BUILD" app/macsec-gw app/mgw-traffic app/macsecctl >"$WORK/build.log" 2>&1; then
  tail -20 "$WORK/build.log" >&2
  echo "bench: build failed" >&2
  exit 1
fi

HUGE=0
if [ "$HUGEPAGES" -gt 0 ] && hugepages_setup "$HUGEPAGES"; then
  HUGE=1
fi
# memif in copy mode on both sides: DPDK 22.11's zero-copy client serves only the first memif
# port of a process (it closes EAL's memseg file descriptor once connected).
if [ "$HUGE" = 0 ]; then
  GW_MEM=(--no-huge -m 512)
  TR_MEM=(--no-huge -m 512)
else
  GW_MEM=(--huge-unlink)
  TR_MEM=(--huge-unlink)
fi

# Bench keys: fixed test patterns, never used anywhere else.
GW_SCI=0200000a01000001
PEER_SCI=0200000b01000001
CLEAR_SCI=0200000a02000001
SALT=5a1e8d0c33a2f6b1c4d7e902
key_for() { # SUITE BYTE
  local n=16
  case "$1" in *256) n=32 ;; esac
  printf "%0.s$2" $(seq 1 "$n")
}

# write_conf FILE SUITE: link bench0 with MACsec (SUITE, static keys) and link clear0 with
# MACsec off (protectFrames false, validateFrames disabled: frames forwarded untouched), the
# port ceiling, on the same worker; each on its own pair of memif ports.
write_conf() {
  local f=$1 cs=$2 xtx="" xrx=""
  if [[ $cs == *xpn* ]]; then
    xtx=", ssci: 1, salt: \"$SALT\""
    xrx=", ssci: 2, salt: \"$SALT\""
  fi
  (umask 077; key_for "$cs" 1a >"$WORK/tx.key"; key_for "$cs" 2b >"$WORK/rx.key")
  cat >"$f" <<YAML
control: {socket: $WORK/ctl.sock, lcore: 0}
workers: [1]
idle_sleep_us: 0
state_dir: $WORK/state-$cs  # PN reservations of the static TX SAs: fresh per run and suite
links:
  - name: bench0
    plain: {port: "net_memif0,role=server,id=0,socket=$WORK/plain.sock,socket-abstract=no,bsize=$BSIZE"}
    protected: {port: "net_memif1,role=server,id=0,socket=$WORK/prot.sock,socket-abstract=no,bsize=$BSIZE"}
    secy: {cipher_suite: $cs, mtu: 9100, sci: "$GW_SCI", replay_window: $REPLAY_WINDOW}
    key_agreement: static
    static:
      tx_sa: [{an: 0, pn: 1, key_file: $WORK/tx.key$xtx}]
      rx_sc:
        - sci: "$PEER_SCI"
          sa: [{an: 0, pn: 1, key_file: $WORK/rx.key$xrx}]
  - name: clear0
    plain: {port: "net_memif2,role=server,id=0,socket=$WORK/cplain.sock,socket-abstract=no,bsize=$BSIZE"}
    protected: {port: "net_memif3,role=server,id=0,socket=$WORK/cprot.sock,socket-abstract=no,bsize=$BSIZE"}
    secy: {protect_frames: false, validate_frames: disabled, cipher_suite: $cs, mtu: 9100, sci: "$CLEAR_SCI"}
    key_agreement: static
    static:
      tx_sa: [{an: 0, pn: 1, key_file: $WORK/tx.key$xtx}]
YAML
}

# gw_start NAME CONF: the gateway on lcores 0 (control) and 1 (worker); sets GWPID.
gw_start() {
  local i
  rm -f "$WORK/ctl.sock"
  nice -n "$NICE" "$GW" -l 0,1 --main-lcore 0 --file-prefix "mgwb$$gw" --no-pci "${GW_MEM[@]}" \
    --log-level=user1,info -- -c "$2" >"$WORK/$1-gw.log" 2>&1 &
  GWPID=$!
  for ((i = 0; i < 200; i++)); do
    [ -S "$WORK/ctl.sock" ] && return 0
    kill -0 "$GWPID" 2>/dev/null || break
    sleep 0.1
  done
  cat "$WORK/$1-gw.log" >&2
  echo "bench: gateway $1 did not start" >&2
  exit 1
}

# traffic_start LIMIT_S OUT LOG LINKS MGW-TRAFFIC-OPTIONS...: mgw-traffic on CPU 0 against the
# running gateway, in the background (TRPID). LINKS: both (the MACsec link and the clear one,
# rows measured on each in turn), macsec or clear (that link only). With --linger it holds the
# memif ports open after its rows until stopped: the gateway must stop first, because DPDK
# 22.11's memif server unmaps a departed client's rings while its worker may still poll them
# (SIGSEGV in the worker).
traffic_start() {
  local limit=$1 out=$2 log=$3 links=$4 ports=()
  shift 4
  case $links in
    both) ports=(--vdev "net_memif0,role=client,id=0,socket=$WORK/plain.sock,socket-abstract=no,bsize=$BSIZE"
                 --vdev "net_memif1,role=client,id=0,socket=$WORK/prot.sock,socket-abstract=no,bsize=$BSIZE"
                 --vdev "net_memif2,role=client,id=0,socket=$WORK/cplain.sock,socket-abstract=no,bsize=$BSIZE"
                 --vdev "net_memif3,role=client,id=0,socket=$WORK/cprot.sock,socket-abstract=no,bsize=$BSIZE"
                 -- --plain net_memif0 --protected net_memif1
                 --clear-plain net_memif2 --clear-protected net_memif3) ;;
    macsec) ports=(--vdev "net_memif0,role=client,id=0,socket=$WORK/plain.sock,socket-abstract=no,bsize=$BSIZE"
                   --vdev "net_memif1,role=client,id=0,socket=$WORK/prot.sock,socket-abstract=no,bsize=$BSIZE"
                   -- --plain net_memif0 --protected net_memif1) ;;
    clear) ports=(--vdev "net_memif2,role=client,id=0,socket=$WORK/cplain.sock,socket-abstract=no,bsize=$BSIZE"
                  --vdev "net_memif3,role=client,id=0,socket=$WORK/cprot.sock,socket-abstract=no,bsize=$BSIZE"
                  -- --plain net_memif2 --protected net_memif3 --clear) ;;
  esac
  timeout -s TERM "$limit" nice -n "$NICE" "$TR" -l 0 --file-prefix "mgwb$$tr" --no-pci "${TR_MEM[@]}" \
    --no-telemetry --log-level=lib.eal:error "${ports[@]}" \
    --linger --gw-pid "$GWPID" "$@" >"$out" 2>"$log" &
  TRPID=$!
}

# traffic_wait LOG: until mgw-traffic says its rows are done; exit if it died (or timed out).
traffic_wait() {
  while ! grep -q "rows done" "$1" 2>/dev/null; do
    if ! kill -0 "$TRPID" 2>/dev/null; then
      cat "$1" >&2
      echo "bench: mgw-traffic ended before its rows were done" >&2
      exit 1
    fi
    sleep 0.1
  done
}

# The end: gateway first (workers stop, then its ports), then the generator.
both_stop() {
  stop_pid "$GWPID"
  GWPID=""
  stop_pid "$TRPID"
  TRPID=""
}

# run_config SUITE: one gateway (the MACsec link and the clear one), one mgw-traffic over every
# size and direction, each row measured on both links in turn.
run_config() {
  local name=$1 cs=$1 conf=$WORK/$1.yaml limit shower d m i extra=() lat=()
  write_conf "$conf" "$cs"
  extra=(--suite "$cs" --gw-sci "$GW_SCI" --gw-key "$(cat "$WORK/tx.key")"
         --peer-sci "$PEER_SCI" --peer-key "$(cat "$WORK/rx.key")")
  [[ $cs == *xpn* ]] && extra+=(--gw-ssci 1 --peer-ssci 2 --salt "$SALT")
  mkdir -p "$WORK/pcap-$name"
  gw_start "$name" "$conf"
  if [ -n "$LATENCY" ] && [[ ",$LATENCY_CONFIGS," == *",$name,"* ]]; then
    lat=(--latency "$LATENCY" --latency-size "$LATENCY_SIZES")
  fi
  # The bound: rows x 2 links x attempts x (warm-up + measured + drain) + latency runs,
  # doubled, + start-up.
  limit=$(awk -v r="$SECONDS_PER_ROW" -v w="$WARMUP" -v s="$SIZES" -v k="$REPEAT" 'BEGIN {
    n = split(s, a, ","); printf "%d", 2 * (4 * n * k * (r + w + 0.3) + 4 * 3 * 3 * (0.5 + w + 0.3)) + 60 }')
  : >"$WORK/$name.jsonl"      # there before tail follows it
  traffic_start "$limit" "$WORK/$name.jsonl" "$WORK/$name-tr.log" both "${extra[@]}" --size "$SIZES" \
    --seconds "$SECONDS_PER_ROW" --warmup "$WARMUP" --repeat "$REPEAT" "${lat[@]}" "${RESEND_OPT[@]}" \
    --pcap-dir "$WORK/pcap-$name" --ctl "$WORK/ctl.sock"
  $PY -uc '
import json, sys
f = lambda v: "-" if v is None else "%.1f" % v
for line in sys.stdin:
    d = json.loads(line)
    lat = ""
    if d["load"] != "saturate":
        lat = "  p50 %s p99 %s p99.9 %s us" % (f(d["lat_p50_us"]), f(d["lat_p99_us"]), f(d["lat_p999_us"]))
    print("  %-16s %-6s %-8s %5s %8s  %8.3f Mpps %7.2f Gbit/s  lost %d  bad %d%s" % (
        sys.argv[1], d["mode"], d["dir"], d["size"],
        d["load"] if d["load"] == "saturate" else "%d%%" % (d["load"] * 100),
        d["mpps"], d["gbps"], d["lost"], d["bad"], lat), flush=True)
' "$name" < <(tail -n +1 --pid="$TRPID" -f "$WORK/$name.jsonl" 2>/dev/null) &
  shower=$!
  traffic_wait "$WORK/$name-tr.log"
  # The gateway's own account: start-up lines (mempool, resident memory) and RSS now.
  {
    grep -E 'mempool|running|link (bench0|clear0)' "$WORK/$name-gw.log" | sed 's/^/gwlog /'
    echo "gwrss $(awk '/^VmRSS/ { print $2 }' "/proc/$GWPID/status")"
    echo "gwhwm $(awk '/^VmHWM/ { print $2 }' "/proc/$GWPID/status")"
  } >"$WORK/$name-gw.txt"
  both_stop
  wait "$shower" 2>/dev/null || true
  # Where the worker's time goes at 1514 octets: perf samples CPU 1 (cpu-clock: a VM may
  # have no hardware counters) while a saturating row runs; only the gateway's samples count.
  if [ "$PROFILE" = 1 ] && [ "$name" = gcm-aes-128 ]; then
    for m in clear macsec; do
      for d in protect validate; do
        gw_start "$name-prof-$m-$d" "$conf"
        # perf starts with its events off and is switched on through a FIFO once the row's
        # measured 3 s are under way (its own start-up takes seconds on a busy machine).
        rm -f "$WORK/perf.ctl" "$WORK/perf.ack"
        mkfifo "$WORK/perf.ctl" "$WORK/perf.ack"
        nice -n "$NICE" perf record -q -o "$WORK/perf.data" -C 1 -D -1 \
          --control "fifo:$WORK/perf.ctl,$WORK/perf.ack" -- sleep 60 >/dev/null 2>&1 &
        PERFPID=$!
        exec 7<>"$WORK/perf.ctl" 8<>"$WORK/perf.ack"    # read-write: opening never blocks
        traffic_start 60 "$WORK/$name-prof-$m-$d.jsonl" "$WORK/$name-prof-$m-$d.log" "$m" \
          "${extra[@]}" --dir "$d" --size 1514 --seconds 3 --warmup 0.5
        for ((i = 0; i < 200; i++)); do
          grep -q "ports up" "$WORK/$name-prof-$m-$d.log" 2>/dev/null && break
          sleep 0.1
        done
        sleep 1
        echo enable >&7 && read -r -t 10 _ <&8 || true
        sleep 1.5
        echo disable >&7 && read -r -t 10 _ <&8 || true
        exec 7>&- 8<&-
        kill -INT "$PERFPID" 2>/dev/null || true
        wait "$PERFPID" 2>/dev/null || true
        PERFPID=""
        traffic_wait "$WORK/$name-prof-$m-$d.log"
        { perf report -q -i "$WORK/perf.data" --stdio --pid "$GWPID" --sort dso 2>/dev/null | sed 's/^/dso /'
          perf report -q -i "$WORK/perf.data" --stdio --pid "$GWPID" --sort dso,sym 2>/dev/null |
            head -40 | sed 's/^/sym /'; } >"$WORK/$name-prof-$m-$d.txt" || true
        rm -f "$WORK/perf.data"
        both_stop
      done
    done
  fi
  echo "$name" >>"$WORK/configs"
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
STARTED=$(date +%s)
echo "== end to end: memif ($( [ "$HUGE" = 1 ] && echo hugepages || echo "no hugepages")), suites $SUITES"
IFS=, read -r -a SUITE_LIST <<<"$SUITES"
for s in "${SUITE_LIST[@]}"; do
  run_config "$s"
done
ELAPSED=$(( $(date +%s) - STARTED ))
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

echo "== sample frames checked with scapy"
$PY tests/perf/bench_check.py "$WORK" "$GW_SCI" "$PEER_SCI" "$SALT" >"$WORK/checks.json"

OUTFILE=${MEASURE_ONLY:-$WORK/e2e.jsonl}
# A row with a wrong frame makes the whole run worthless: exit 1 before any report.
$PY - "$WORK" "$OUTFILE" <<PY
import json, os, sys
work, out = sys.argv[1], sys.argv[2]
checks = json.load(open(f"{work}/checks.json"))
meta = {"meta": True, "memif": f"copy mode on both sides, buffers of $BSIZE octets", "nice": $NICE,
        "hugepages": "$HUGE" == "1", "resend": "$RESEND" == "1", "replay_window": $REPLAY_WINDOW,
        "seconds_per_row": float("$SECONDS_PER_ROW"), "warmup": float("$WARMUP"), "repeat": $REPEAT,
        "elapsed_s": $ELAPSED, "load_before": "$LOAD_BEFORE", "load_after": "$LOAD_AFTER",
        "gateway": {}, "checks": checks}
rows = []
for line in open(f"{work}/configs"):
    name = line.split()[0]
    g = {"log": [], "rss_kib": None, "hwm_kib": None}
    for l in open(f"{work}/{name}-gw.txt"):
        k, _, v = l.rstrip("\n").partition(" ")
        if k == "gwlog":
            g["log"].append(v.split("USER1: ", 1)[-1])
        elif k in ("gwrss", "gwhwm") and v.strip():
            g["rss_kib" if k == "gwrss" else "hwm_kib"] = int(v)
    meta["gateway"][name] = g
    for m, d in ((m, d) for m in ("clear", "macsec") for d in ("protect", "validate")):
        pf = f"{work}/{name}-prof-{m}-{d}.txt"
        if not os.path.exists(pf):
            continue
        prof = {"dso": [], "sym": []}
        for l in open(pf):
            kind, _, rest = l.partition(" ")
            parts = rest.split()
            if not parts or not parts[0].endswith("%"):
                continue
            pct = float(parts[0].rstrip("%"))
            if kind == "dso" and len(parts) >= 2:
                prof["dso"].append([pct, parts[1]])
            elif kind == "sym" and len(parts) >= 4:
                prof["sym"].append([pct, parts[1], " ".join(parts[3:])])
        try:
            prof["mpps"] = json.loads(open(f"{work}/{name}-prof-{m}-{d}.jsonl").readline())["mpps"]
        except (OSError, ValueError, KeyError):
            prof["mpps"] = None
        meta.setdefault("profile", {}).setdefault(name, {}).setdefault(m, {})[d] = prof
    for l in open(f"{work}/{name}.jsonl"):
        d = json.loads(l)
        d["config"] = name
        size = str(d["size"])
        c = checks.get(name, {}).get(f"{d['mode']}-{d['dir']}-{size}")
        d["sample_check"] = c if d["load"] == "saturate" else None
        rows.append(d)
with open(out, "w") as f:
    f.write(json.dumps(meta) + "\n")
    for r in rows:
        f.write(json.dumps(r) + "\n")
bad = [r for r in rows if r["bad"] or (r["sample_check"] and not r["sample_check"]["ok"])]
for r in bad:
    print(f"bench: {r['config']} {r['mode']} {r['dir']} {r['size']}: bad frames {r['bad']} {r['bad_detail']}, "
          f"scapy {r['sample_check']}", file=sys.stderr)
print(f"== {len(rows)} rows in {$ELAPSED} s, {len(bad)} with bad frames -> {out}")
sys.exit(1 if bad else 0)
PY
hugepages_restore

if [ -z "$MEASURE_ONLY" ]; then
  # shellcheck disable=SC2086  # MEM_ARGS: macsec-bench options, split on purpose
  E2E_JSONL=$OUTFILE BUILD=$BUILD scripts/perf-report.sh ${MEM_ARGS:-}
fi
