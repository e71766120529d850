#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Run one libFuzzer target for SECONDS over its seeds; new inputs and crash artefacts go to
# WORKDIR (never the source tree). Exit 1 on any crash, leak, timeout or sanitizer report.
# Usage: run_one.sh FUZZER SECONDS SEED_DIR WORKDIR [extra libFuzzer options...]
set -u
exe=$1 secs=$2 seeds=$3 work=$4
shift 4
name=$(basename "$exe")
mkdir -p "$work/corpus" "$work/artifacts" "$work/tmp" || exit 1
rm -f "$work/artifacts/"*       # this run's findings only; the corpus grows run to run
# Absolute paths: a target may chdir (fuzz_config works in a directory of key files).
exe=$(cd "$(dirname "$exe")" && pwd)/$(basename "$exe")
seeds=$(cd "$seeds" && pwd) work=$(cd "$work" && pwd)
log="$work/$name.log"
# Readable stacks: Debian's llvm-14 has the symbolizer under a versioned name.
if [ -z "${ASAN_SYMBOLIZER_PATH:-}" ] && ! command -v llvm-symbolizer >/dev/null &&
	command -v llvm-symbolizer-14 >/dev/null; then
	export ASAN_SYMBOLIZER_PATH=$(command -v llvm-symbolizer-14)
fi
# Scratch files of a target (fuzz_config's key files) stay in the work dir too.
export TMPDIR="$work/tmp"
# UBSan halts (the targets are also built with -fno-sanitize-recover); LSan on; one job.
ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:allocator_may_return_null=1} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1} \
"$exe" -max_total_time="$secs" -timeout=25 -rss_limit_mb=2048 -malloc_limit_mb=1024 \
	-print_final_stats=1 -error_exitcode=1 -artifact_prefix="$work/artifacts/" "$@" \
	"$work/corpus" "$seeds" >"$log" 2>&1
rc=$?
# libFuzzer's last status line ("#N DONE cov: C ft: F corp: K/S ...") and its final stats.
done_line=$(grep -E '^#[0-9]+[[:space:]]+(DONE|INITED|pulse|NEW|REDUCE)' "$log" | tail -n 1)
execs=$(sed -n 's/^stat::number_of_executed_units:[[:space:]]*//p' "$log" | tail -n 1)
rate=$(sed -n 's/^stat::average_exec_per_sec:[[:space:]]*//p' "$log" | tail -n 1)
cov=$(printf '%s\n' "$done_line" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
ft=$(printf '%s\n' "$done_line" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
corp=$(printf '%s\n' "$done_line" | sed -n 's/.*corp: \([0-9]*\/[0-9]*[a-zA-Z]*\).*/\1/p')
bad=0
sanitizer='ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:'
sanitizer="$sanitizer|property violated|SUMMARY: "
if [ "$rc" -ne 0 ] || grep -qaE "$sanitizer" "$log"; then
	bad=1
fi
printf '%-22s %s  execs=%s exec/s=%s cov=%s ft=%s corpus=%s artefacts=%s\n' "$name" \
	"$([ $bad -eq 0 ] && echo ok || echo FAIL)" "${execs:-?}" "${rate:-?}" "${cov:-?}" \
	"${ft:-?}" "${corp:-?}" "$(ls "$work/artifacts" | wc -l)"
if [ $bad -ne 0 ]; then
	echo "--- $log (last 40 lines):"
	tail -n 40 "$log"
	exit 1
fi
exit 0
