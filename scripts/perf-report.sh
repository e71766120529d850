#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Build and run macsec-bench, then write docs/performance.md (and a PNG plot) from its JSON.
#
# Usage: scripts/perf-report.sh [macsec-bench options]    e.g. --seconds 1, --suite gcm-aes-128
# Env:   BUILD      meson build directory (default build; set up when missing)
#        OUT        report to write (default docs/performance.md; the plot goes beside it as .png)
#        HUGEPAGES  2 MiB pages to reserve for the run (default 256; 0 runs without hugepages)
#        PLOT       0 skips the gnuplot PNG
# Needs root for hugepages and for apt; without either it still runs, and says what it skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=${BUILD:-build}
OUT=${OUT:-docs/performance.md}
PNG=${OUT%.md}.png
HUGEPAGES=${HUGEPAGES:-256}
PLOT=${PLOT:-1}
ARGS=("$@")
. scripts/lib/hugepages.sh

WORK=$(mktemp -d /tmp/perf-report.XXXXXX)
cleanup() { hugepages_restore; rm -rf "$WORK"; }
trap cleanup EXIT

# Install the named Debian packages that are missing; 1 if apt cannot.
apt_install() {
  local missing=() p
  for p in "$@"; do
    [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || { echo "perf-report: not root, cannot install ${missing[*]}" >&2; return 1; }
  echo "perf-report: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null 2>&1 &&
      apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1; }
}

echo "== build ($BUILD)"
if [ ! -f "$BUILD/build.ninja" ]; then
  scripts/setup.sh
  meson setup "$BUILD" >/dev/null
fi
# Only the bench: the rest of the tree may be mid-change and is not needed here.
ninja -C "$BUILD" app/macsec-bench >/dev/null
apt_install python3 >/dev/null

HP=()
if [ "$HUGEPAGES" -gt 0 ] && hugepages_setup "$HUGEPAGES"; then
  HP=(--hugepages)
fi

CMD=("$BUILD/app/macsec-bench" --json "${HP[@]}" "${ARGS[@]}")
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
STARTED=$(date -u '+%Y-%m-%d %H:%M UTC')
echo "== ${CMD[*]}"
"${CMD[@]}" 2>"$WORK/bench.err" | tee "$WORK/results.jsonl" | python3 -uc '
import json, sys
n = lambda v: "-" if v is None else "%.3f" % v
for line in sys.stdin:
    d = json.loads(line)
    print("  %-16s %-8s %5s  %8s Mpps  bare %8s  ratio %s" % (d["suite"], d["dir"], d["size"],
          n(d["mpps"]), n(d["bare_mpps"]), n(d["ratio"])), flush=True)
' || { cat "$WORK/bench.err" >&2; echo "perf-report: macsec-bench failed, $OUT left as it was" >&2; exit 1; }
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
hugepages_restore

# Machine facts for the report.
cpuinfo_field() { awk -F': ' -v k="$1" '$1 ~ "^"k"[ \t]*$" { print $2; exit }' /proc/cpuinfo; }
FLAGS=$(cpuinfo_field flags)
has_flag() { case " $FLAGS " in *" $1 "*) echo yes ;; *) echo no ;; esac; }
pkg_version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo unknown; }
export REPORT_CPU="$(cpuinfo_field 'model name') (family $(cpuinfo_field 'cpu family'), model $(cpuinfo_field model)), $(nproc) CPUs online"
export REPORT_VIRT=$( [ "$(has_flag hypervisor)" = yes ] && echo "virtual machine ($(lscpu 2>/dev/null | awk -F': *' '/Hypervisor vendor/ { print $2 }'))" || echo "bare metal")
export REPORT_FLAGS="aes $(has_flag aes), vaes $(has_flag vaes), vpclmulqdq $(has_flag vpclmulqdq), avx512f $(has_flag avx512f)"
export REPORT_KERNEL="$(uname -sr) $(uname -v)"
export REPORT_DPDK="$(pkg_version libdpdk-dev)"
export REPORT_IMB="$(pkg_version libipsec-mb-dev)"
export REPORT_CC="$(cc --version | head -1)"
export REPORT_GIT="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$( [ -z "$(git status --porcelain -- lib app 2>/dev/null)" ] || echo ' (plus uncommitted changes in lib/ or app/)')"
export REPORT_DATE=$STARTED REPORT_LOAD="$LOAD_BEFORE before, $LOAD_AFTER after"
ENVS=""
[ "$BUILD" = build ] || ENVS+="BUILD=$BUILD "
[ "$HUGEPAGES" = 256 ] || ENVS+="HUGEPAGES=$HUGEPAGES "
export REPORT_SCRIPT="${ENVS}scripts/perf-report.sh${ARGS[*]:+ ${ARGS[*]}}" REPORT_CMD="${CMD[*]}"
export REPORT_HEADER="$(grep '^#' "$WORK/bench.err" | sed 's/^# \{0,1\}//')"
export REPORT_PNG="" WORK

if [ "$PLOT" = 1 ] && apt_install gnuplot-nox && command -v gnuplot >/dev/null; then
  export REPORT_PNG=$PNG
fi

python3 - "$WORK/results.jsonl" "$OUT" <<'PY'
import json, os, sys
from collections import OrderedDict

rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
E = os.environ
SUITES = ["gcm-aes-128", "gcm-aes-256", "gcm-aes-xpn-128", "gcm-aes-xpn-256"]
def size_key(s): return 10**6 if s == "imix" else s
def f(v, p=2): return "—" if v is None else f"{v:.{p}f}"
def find(suite, d, size):
    return next((r for r in rows if (r["suite"], r["dir"], r["size"]) == (suite, d, size)), None)

# The figures the project must meet (README, docs/performance.md): ratio = ours / bare burst.
targets = [("gcm-aes-128", "protect", 1514, 0.85), ("gcm-aes-128", "protect", 64, 0.6)]

o = []
w = o.append
w("<!-- GENERATED by scripts/perf-report.sh from macsec-bench --json. Do not edit by hand: rerun the script. -->")
w("# Performance")
w("")
w(f"Generated by `{E['REPORT_SCRIPT']}` on {E['REPORT_DATE']}, commit {E['REPORT_GIT']}.")
w("This file is written by that script and must not be edited by hand: rerun it (as root, so it")
w("can reserve hugepages) to refresh the figures.")
w("")
w("## Targets")
w("")
w("One core, bursts of 32, ratio = lib/macsec Mpps / bare intel-ipsec-mb burst-API Mpps on the same frames.")
w("")
w("| Target | Measured ratio | p25–p75 | Mpps ours / bare | Result |")
w("|---|---|---|---|---|")
for suite, d, size, need in targets:
    r = find(suite, d, size)
    name = f"{suite.upper()} {d}, {size} octets: ratio ≥ {need}"
    if r is None or r["ratio"] is None:
        w(f"| {name} | not measured | | | — |")
        continue
    ok = "**PASS**" if r["ratio"] >= need else "**FAIL**"
    w(f"| {name} | {f(r['ratio'], 3)} | {f(r['ratio_p25'], 3)}–{f(r['ratio_p75'], 3)} | "
      f"{f(r['mpps'])} / {f(r['bare_mpps'])} | {ok} |")
w("")
w("## Machine")
w("")
w(f"- CPU: {E['REPORT_CPU']}, {E['REPORT_VIRT']}")
w(f"- CPU flags: {E['REPORT_FLAGS']}")
w(f"- Kernel: {E['REPORT_KERNEL']}")
w(f"- DPDK {E['REPORT_DPDK']} (libdpdk-dev), intel-ipsec-mb {E['REPORT_IMB']} (libipsec-mb-dev)")
w(f"- Compiler: {E['REPORT_CC']}")
w(f"- Load average (1/5/15 min): {E['REPORT_LOAD']}; a busy machine moves Mpps more than ratios")
w(f"- Command: `{E['REPORT_CMD']}`")
w("")
w("macsec-bench's own header for this run:")
w("")
w("```")
w(E["REPORT_HEADER"])
w("```")
w("")
w("## What is measured")
w("")
w("- **ours**: `macsec_protect_burst` / `macsec_validate_burst` (lib/macsec, the engine named in the")
w("  header) on bursts of 32 single-segment `rte_mbuf` frames from a DPDK mempool, on one lcore.")
w("- **bare**: intel-ipsec-mb AES-GCM through the job burst API (`IMB_GET_NEXT_BURST`,")
w("  `IMB_SUBMIT_BURST`, `IMB_FLUSH_BURST`) on the same buffers, with the key size, AAD length")
w("  (DA+SA+SecTAG) and cipher length a MACsec frame of that size has; the reference of the ratio.")
w("- **direct**: the same through `IMB_AES{128,256}_GCM_ENC/DEC`, one call per frame, IVs written")
w("  ahead of the calls; a second reference.")
w("- Only the burst calls are timed (rdtsc around each burst). Restoring the frames between passes,")
w("  and for validate re-protecting them with our own protect (fresh, increasing PNs: replay")
w("  protection stays on), is not timed. Every validate pass must deliver every frame, or the run")
w("  aborts; the first pass checks each validated frame equals the original, and bare/direct ICVs")
w("  are checked against ours.")
w("- Pool: at least 2048 frames and 8 MiB of mbufs (more than L2, so frames come from L3 as after a")
w("  NIC's DMA), at most 16 MiB (9000 octets). IMIX is 7:4:1 of 64/594/1518 octets.")
w("- **Gbit/s counts the clear frame octets as given** (the size column: DA to end of payload, no")
w("  FCS, preamble or inter-frame gap), in both directions; validate's input is 32 octets longer.")
w("- Mpps is the median over passes; **ratio** is the median over passes of ours/bare measured")
w("  within the same pass (runs interleaved, order rotated), so machine noise largely cancels;")
w("  p25–p75 shows its spread. Cycles are TSC cycles per frame.")
w("")
if E.get("REPORT_PNG"):
    w(f"![Gbit/s and ratio per frame size]({os.path.basename(E['REPORT_PNG'])})")
    w("")
w("## Results")
for d in ("protect", "validate"):
    for suite in SUITES:
        rs = sorted((r for r in rows if r["suite"] == suite and r["dir"] == d), key=lambda r: size_key(r["size"]))
        if not rs:
            continue
        w("")
        w(f"### {d}, {suite}")
        w("")
        w("| size | Mpps | Gbit/s | bare Mpps | bare Gbit/s | ratio | p25–p75 | direct Mpps | cycles/frame ours / bare / direct |")
        w("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for r in rs:
            size = "IMIX" if r["size"] == "imix" else r["size"]
            w(f"| {size} | {f(r['mpps'], 3)} | {f(r['gbps'])} | {f(r['bare_mpps'], 3)} | {f(r['bare_gbps'])} | "
              f"**{f(r['ratio'], 3)}** | {f(r['ratio_p25'])}–{f(r['ratio_p75'])} | {f(r['direct_mpps'], 3)} | "
              f"{f(r['cycles_per_frame'], 0)} / {f(r['bare_cycles_per_frame'], 0)} / {f(r['direct_cycles_per_frame'], 0)} |")
w("")
w("## Raw results")
w("")
w("<details><summary>macsec-bench --json, one object per row</summary>")
w("")
w("```json")
for r in rows:
    w(json.dumps(r, separators=(",", ":")))
w("```")
w("</details>")
open(sys.argv[2], "w").write("\n".join(o) + "\n")

# The plot: GCM-AES-128 Gbit/s per size (ours, bare), and every suite's ratio per size.
if E.get("REPORT_PNG"):
    work = E["WORK"]
    def series(name, rs, cols):
        rs = sorted((r for r in rs if r["size"] != "imix"), key=lambda r: r["size"])
        if not rs:
            return None
        path = f"{work}/{name}.dat"
        with open(path, "w") as g:
            for r in rs:
                g.write(" ".join(str(r["size"] if c == "size" else r[c]) for c in cols) + "\n")
        return path
    left, right = [], []
    for d in ("protect", "validate"):
        rs = [r for r in rows if r["suite"] == "gcm-aes-128" and r["dir"] == d]
        path = series(f"gbps-{d}", rs, ["size", "gbps", "bare_gbps"])
        if path:
            left.append(f'"{path}" using 1:2 with linespoints title "{d}, lib/macsec"')
            left.append(f'"{path}" using 1:3 with linespoints dashtype 2 title "{d}, bare burst"')
        for suite in SUITES:
            path = series(f"ratio-{d}-{suite}", [r for r in rows if r["suite"] == suite and r["dir"] == d],
                          ["size", "ratio"])
            if path:
                right.append(f'"{path}" using 1:2 with linespoints title "{d} {suite}"')
    with open(f"{work}/plot.gp", "w") as g:
        g.write(f"""set terminal pngcairo size 1200,480 font ",10"
set output "{E['REPORT_PNG']}"
set multiplot layout 1,2 title "macsec-bench, one core (scripts/perf-report.sh, {E['REPORT_DATE']})"
set logscale x 2
set xlabel "clear frame octets"
set grid
set key top left
set title "GCM-AES-128 Gbit/s (clear frame octets)"
set ylabel "Gbit/s"
{"plot " + ", ".join(left) if left else ""}
set title "ratio lib/macsec / bare burst"
set ylabel "ratio"
set yrange [0:1.2]
set key bottom right
{"plot " + ", ".join(right) if right else ""}
unset multiplot
""")
PY

if [ -n "$REPORT_PNG" ]; then
  gnuplot "$WORK/plot.gp"
  echo "== wrote $OUT and $PNG"
else
  rm -f "$PNG"    # a plot from an earlier run would not match these figures
  echo "== wrote $OUT (no plot)"
fi
