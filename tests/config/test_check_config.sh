#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# `macsec-gw -- -c FILE --check-config` as an operator runs it: exit 2 with FILE:LINE:COL: KEY
# on stderr for a broken file, exit 0 for every shipped example and the annotated default.
#
# usage: test_check_config.sh MACSEC_GW SOURCE_ROOT
set -euo pipefail
GW=${1:?macsec-gw binary}
ROOT=${2:?source root}
WORK=$(mktemp -d /tmp/gw-check-config.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

# check NAME WANT_RC STDERR_PATTERN ARGS...
check() {
	local name=$1 want=$2 pat=$3 rc=0
	shift 3
	timeout 10 "$GW" "$@" >"$WORK/out" 2>"$WORK/err" || rc=$?
	if [ "$rc" -ne "$want" ]; then
		fail "$name: exit $rc, want $want"; sed 's/^/    /' "$WORK/err" >&2
	elif [ -n "$pat" ] && ! grep -qF -- "$pat" "$WORK/err"; then
		fail "$name: stderr lacks '$pat'"; sed 's/^/    /' "$WORK/err" >&2
	else
		echo "ok: $name (exit $rc)"
	fi
}

umask 077
# A broken file: bad hex on line 15 of this case file.
cp "$ROOT/tests/config/cases/15-bad-hex-key.yaml" "$WORK/broken.yaml"
check broken 2 "$WORK/broken.yaml:15:24: links[0].static.tx_sa[0].key: bad hex" \
	-- -c "$WORK/broken.yaml" --check-config
# The same with EAL options before "--": still no EAL, still exit 2.
check broken-eal-args 2 "$WORK/broken.yaml:15:" \
	--no-huge -l 0,1 -- -c "$WORK/broken.yaml" --check-config
check missing-file 2 "$WORK/nope.yaml: cannot read" -- -c "$WORK/nope.yaml" --check-config
check no-config 2 "usage:" -- --check-config
# World-readable key file: refused, and said so.
printf '00112233445566778899aabbccddeeff\n' >"$WORK/lan.key"
chmod 644 "$WORK/lan.key"
sed "s|key: \"00112233445566778899aabbccddeeff\"|key_file: $WORK/lan.key|" \
	"$ROOT/tests/config/cases/01-good-static.yaml" >"$WORK/world.yaml"
check world-readable-key 2 "readable or writable by group or others" \
	-- -c "$WORK/world.yaml" --check-config
chmod 600 "$WORK/lan.key"
check private-key 0 "" -- -c "$WORK/world.yaml" --check-config

n=0
for f in "$ROOT"/config/examples/*.yaml; do
	check "example $(basename "$f")" 0 "" -- -c "$f" --check-config
	n=$((n + 1))
done
[ "$n" -ge 3 ] || fail "only $n examples in config/examples"

# The annotated default points at /etc/macsec-gw/*.key: give it keys of the right size.
def="$ROOT/config/macsec-gw.yaml"
cp "$def" "$WORK/default.yaml"
grep -o '/etc/macsec-gw/[A-Za-z0-9_.-]*\.key' "$def" | sort -u | while read -r k; do
	printf '%064d\n' 0 >"$WORK/$(basename "$k")"
	sed -i "s|$k|$WORK/$(basename "$k")|" "$WORK/default.yaml"
done
check default 0 "" -- -c "$WORK/default.yaml" --check-config

[ "$fails" -eq 0 ] || { echo "$fails check(s) failed" >&2; exit 1; }
