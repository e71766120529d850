#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Install what is missing, build (release and ASan+UBSan), run every test; fail loudly.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

scripts/setup.sh

BUILD=${BUILD:-build}
SAN=${SAN_BUILD:-build-san}

echo "== build ($BUILD)"
[ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" >"$ROOT/.meson-setup.log" 2>&1 ||
	{ cat "$ROOT/.meson-setup.log"; echo "test.sh: meson setup $BUILD failed" >&2; exit 1; }
ninja -C "$BUILD"

echo "== build with address+undefined sanitizers ($SAN)"
[ -f "$SAN/build.ninja" ] || meson setup "$SAN" -Dbuildtype=debug \
  -Db_sanitize=address,undefined -Db_lundef=false >"$ROOT/.meson-setup.log" 2>&1 ||
	{ cat "$ROOT/.meson-setup.log"; echo "test.sh: meson setup $SAN failed" >&2; exit 1; }
ninja -C "$SAN"

status=0
echo "== tests ($BUILD)"
meson test -C "$BUILD" --print-errorlogs || status=1
echo "== tests under ASan+UBSan ($SAN)"
# Everything again under the sanitizers, except two suites. 'perf' measures memory and speed,
# which ASan's own allocator and shadow memory distort by design. 'variant' holds the repeats
# of system/interop scenarios for more cipher suites (each scenario still runs here;
# tests/system/meson.build says which): they kept the suite near 30 minutes on a slow VM.
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  meson test -C "$SAN" --print-errorlogs --no-suite perf --no-suite variant || status=1

echo "== fuzz targets, 15 s each, and the inputs that once crashed them (build-fuzz, clang)"
scripts/fuzz.sh 15 || status=1
regress=$(meson test -C build-fuzz --list 2>/dev/null | grep -o 'fuzz-regress-[^ ]*' || true)
[ -n "$regress" ] || { echo "test.sh: no fuzz regress tests found" >&2; status=1; }
# shellcheck disable=SC2086
meson test -C build-fuzz --print-errorlogs $regress || status=1

# One plain closing line for CI, counted from meson's own logs.
python3 - "$BUILD" "$SAN" build-fuzz <<'PY'
import json, sys
passed = failed = skipped = 0
for d in sys.argv[1:]:
    try:
        with open(f"{d}/meson-logs/testlog.json") as f:
            for line in f:
                r = json.loads(line).get("result", "")
                if r in ("OK", "EXPECTEDFAIL"):
                    passed += 1
                elif r == "SKIP":
                    skipped += 1
                else:
                    failed += 1
    except FileNotFoundError:
        failed += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
exit $status
