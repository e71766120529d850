#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Write docs/performance.md (and its PNG plots): macsec-bench in memory plus scripts/bench.sh end to end.
#
# The only writer of docs/performance.md. It runs macsec-bench (lib/macsec against bare
# intel-ipsec-mb, in memory) and takes the end-to-end results of scripts/bench.sh: from
# E2E_JSONL when bench.sh called us with them, else it runs `scripts/bench.sh --measure-only`.
#
# Usage: scripts/perf-report.sh [macsec-bench options]    e.g. --seconds 1, --suite gcm-aes-128
# Env:   BUILD      meson build directory (default build; set up when missing)
#        OUT        report to write (default docs/performance.md; the plots go beside it as .png)
#        HUGEPAGES  2 MiB pages to reserve for macsec-bench (default 256; 0 runs without hugepages)
#        PLOT       0 skips the gnuplot PNGs
#        NICE       nice level of macsec-bench (default -20; bench.sh uses the same variable)
#        MC_WORKERS workers of the multi-core rows (macsec-bench --workers, GCM-AES-128; default 2,
#                   0 skips them); MC_SIZES their sizes (default 64,1514,imix)
#        E2E_JSONL  end-to-end results already measured by scripts/bench.sh (else measured here;
#                   bench.sh's own variables, e.g. SUITES, SECONDS_PER_ROW, apply)
# Needs root for hugepages and for apt; without either it still runs, and says what it skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=${BUILD:-build}
OUT=${OUT:-docs/performance.md}
PNG=${OUT%.md}.png
PNG_E2E=${OUT%.md}-e2e.png
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
# Only the tools: the rest of the tree may be mid-change and is not needed here.
if ! ninja -C "$BUILD" app/macsec-bench app/macsec-gw app/mgw-traffic app/macsecctl >"$WORK/build.log" 2>&1; then
  tail -20 "$WORK/build.log" >&2
  echo "perf-report: build failed, $OUT left as it was" >&2
  exit 1
fi

HP=()
if [ "$HUGEPAGES" -gt 0 ] && hugepages_setup "$HUGEPAGES"; then
  HP=(--hugepages)
fi

# Niced like bench.sh's processes: on a shared machine other work gets a few % of the CPU.
CMD=(nice -n "${NICE:--20}" "$BUILD/app/macsec-bench" --json "${HP[@]}" "${ARGS[@]}")
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
STARTED=$(date -u '+%Y-%m-%d %H:%M UTC')
echo "== ${CMD[*]}"
"${CMD[@]}" 2>"$WORK/bench.err" | tee "$WORK/results.jsonl" | /usr/bin/python3 -uc '
import json, sys
n = lambda v: "-" if v is None else "%.3f" % v
for line in sys.stdin:
    d = json.loads(line)
    print("  %-16s %-8s %5s  %8s Mpps  bare %8s  ratio %s" % (d["suite"], d["dir"], d["size"],
          n(d["mpps"]), n(d["bare_mpps"]), n(d["ratio"])), flush=True)
' || { cat "$WORK/bench.err" >&2; echo "perf-report: macsec-bench failed, $OUT left as it was" >&2; exit 1; }
# Multi-core: N workers sharing one TX SA and one RX SA against one worker, same run.
MC_WORKERS=${MC_WORKERS:-2}
MC_CMD=()
: >"$WORK/mc.jsonl"
if [ "$MC_WORKERS" -gt 1 ]; then
  MC_CMD=(nice -n "${NICE:--20}" "$BUILD/app/macsec-bench" --json "${HP[@]}" --workers "$MC_WORKERS"
          --suite gcm-aes-128 --size "${MC_SIZES:-64,1514,imix}")
  echo "== ${MC_CMD[*]}"
  "${MC_CMD[@]}" >"$WORK/mc.jsonl" 2>"$WORK/mc.err" ||
    { cat "$WORK/mc.err" >&2; echo "perf-report: macsec-bench --workers failed, $OUT left as it was" >&2; exit 1; }
  /usr/bin/python3 -c '
import json, sys
for line in open(sys.argv[1]):
    d = json.loads(line)
    print("  %-16s %-8s %5s  %u workers %8.3f Mpps, 1 worker %8.3f: x%.3f, replay drops %d, reorderings %s"
          % (d["suite"], d["dir"], d["size"], d["workers"], d["mpps"], d["mpps_1"], d["scaling"],
             d["replay_drops"], d["reorderings"]))' "$WORK/mc.jsonl"
fi
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
hugepages_restore

# End to end: measured by bench.sh (after macsec-bench, so the two never share the CPUs).
E2E_CMD="scripts/bench.sh"
if [ -z "${E2E_JSONL:-}" ]; then
  E2E_JSONL=$WORK/e2e.jsonl
  E2E_CMD="scripts/perf-report.sh (scripts/bench.sh --measure-only)"
  BUILD=$BUILD scripts/bench.sh --measure-only "$E2E_JSONL" ||
    { echo "perf-report: scripts/bench.sh failed, $OUT left as it was" >&2; exit 1; }
fi
[ -s "$E2E_JSONL" ] || { echo "perf-report: no end-to-end results in $E2E_JSONL" >&2; exit 1; }
export E2E_JSONL E2E_CMD

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
export MC_JSONL="$WORK/mc.jsonl" REPORT_MC_CMD="${MC_CMD[*]:-}"
export REPORT_MC_HEADER="$(grep -s '^#' "$WORK/mc.err" | sed 's/^# \{0,1\}//' || true)"
export REPORT_PNG="" REPORT_PNG_E2E="" WORK

if [ "$PLOT" = 1 ] && apt_install gnuplot-nox && command -v gnuplot >/dev/null; then
  export REPORT_PNG=$PNG REPORT_PNG_E2E=$PNG_E2E
fi

/usr/bin/python3 scripts/lib/perf_report.py "$WORK/results.jsonl" "$E2E_JSONL" "$OUT"

if [ -n "$REPORT_PNG" ]; then
  gnuplot "$WORK/plot.gp"
  gnuplot "$WORK/plot-e2e.gp"
  echo "== wrote $OUT, $PNG and $PNG_E2E"
else
  rm -f "$PNG" "$PNG_E2E"    # plots from an earlier run would not match these figures
  echo "== wrote $OUT (no plots)"
fi
