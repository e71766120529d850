#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Build the libFuzzer targets (tests/fuzz) with clang and run each for SECONDS.
# Usage: scripts/fuzz.sh SECONDS [TARGET...]   (targets: sectag validate protect config
#        ctl_request mkpdu mka; default all). Two run at a time (FUZZ_JOBS to change).
# Build dir: build-fuzz (FUZZ_BUILD); new inputs, logs and crash artefacts: FUZZ_WORK
# (default /tmp/macsec-gw-fuzz), never the source tree. Exit 1 on any crash, leak or
# sanitizer report. Needs clang-14 and libclang-rt-14-dev (Debian bookworm).
set -euo pipefail

ALL_TARGETS=(sectag validate protect config ctl_request mkpdu mka)
here=$(cd "$(dirname "$0")/.." && pwd)
build=${FUZZ_BUILD:-$here/build-fuzz}
work=${FUZZ_WORK:-/tmp/macsec-gw-fuzz}
jobs=${FUZZ_JOBS:-2}

if [ $# -lt 1 ] || ! [[ $1 =~ ^[0-9]+$ ]] || [ "$1" -lt 1 ]; then
	echo "usage: $0 SECONDS [TARGET...] (targets: ${ALL_TARGETS[*]})" >&2
	exit 2
fi
secs=$1
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${ALL_TARGETS[@]}")
for t in "${targets[@]}"; do
	[[ " ${ALL_TARGETS[*]} " == *" $t "* ]] || { echo "unknown target: $t" >&2; exit 2; }
done

cc=$(command -v clang-14 || command -v clang || true)
if [ -z "$cc" ]; then
	echo "fuzz.sh: clang not found: apt-get install clang-14 libclang-rt-14-dev" >&2
	exit 2
fi

# Every library is instrumented for coverage and ASan/UBSan; the targets add -fsanitize=fuzzer.
san='-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer'
if [ ! -f "$build/build.ninja" ]; then
	CC=$cc meson setup "$build" "$here" --buildtype=debugoptimized -Db_ndebug=false \
		-Db_sanitize=none -Dtests=true -Dfuzz=true -Dfuzz_test_seconds=20 \
		-Dc_args="$san" -Dc_link_args='-fsanitize=address,undefined' >/dev/null
fi
mkdir -p "$work"
if ! ninja -C "$build" $(printf 'tests/fuzz/fuzz_%s ' "${targets[@]}") >"$work/build.log" 2>&1; then
	tail -n 30 "$work/build.log"
	echo "fuzz.sh: build failed ($work/build.log)" >&2
	exit 1
fi

run() {
	local t=$1 extra=()
	# Frames past the 16 KiB bounce buffer need inputs that large.
	case $t in validate | protect) extra=(-max_len=24576) ;; esac
	"$here/tests/fuzz/run_one.sh" "$build/tests/fuzz/fuzz_$t" "$secs" \
		"$here/tests/fuzz/corpus/$t" "$work/$t" "${extra[@]}" >"$work/$t.summary" 2>&1
}

echo "fuzzing ${targets[*]} for ${secs}s each, $jobs at a time; work dir $work"
names=() fail=0
for t in "${targets[@]}"; do
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
		wait -n || true
	done
	run "$t" &
	names+=("$t")
done
wait || true
for t in "${names[@]}"; do
	cat "$work/$t.summary"
	grep -qE '^fuzz_[a-z_]+ +ok ' "$work/$t.summary" || fail=1
done
if [ $fail -ne 0 ]; then
	echo "fuzz.sh: FAILED (artefacts under $work/TARGET/artifacts, logs $work/TARGET/*.log)"
	exit 1
fi
echo "fuzz.sh: all targets clean"
