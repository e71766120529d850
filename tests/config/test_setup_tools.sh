#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# scripts/setup.sh installs what the tests run: every external tool the test and bench scripts
# call comes from a package in its list (or one Debian always has: priority required or
# important). A tool found on this machine only because its image had it would pass here and
# fail on a fresh machine (tcpdump did: pn-restart and key-hygiene needed it, setup.sh lacked it).
#
# usage: test_setup_tools.sh SOURCE_ROOT
set -euo pipefail
ROOT=${1:?source root}
fail() { echo "FAIL: $*" >&2; exit 1; }

# The packages setup.sh installs: the words of its PKGS=( ... ) list, comments dropped.
mapfile -t PKGS < <(sed -n '/^PKGS=(/,/^)/p' "$ROOT/scripts/setup.sh" | sed 's/#.*//; 1d; $d' | tr -s ' ' '\n' | sed '/^$/d')
[ "${#PKGS[@]}" -gt 10 ] || fail "could not read setup.sh's package list (${#PKGS[@]} words)"

# Tools the scripts run (by name as they are called); each must also be called somewhere.
TOOLS=(tcpdump gcore tshark dumpcap iperf3 ethtool ping ip qemu-system-x86_64 busybox
       wpa_supplicant cpio luac5.4 gnuplot setpriv meson ninja clang-14 llvm-symbolizer-14)
# setup.sh's packages and everything they depend on (what apt installs with them).
DEPS=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
	--no-replaces --no-enhances "${PKGS[@]}" 2>/dev/null | grep -v '^ ' | sed 's/:.*//' | sort -u)
[ -n "$DEPS" ] || fail "apt-cache depends gave nothing"
bad=0
for t in "${TOOLS[@]}"; do
	if ! grep -rqw -- "$t" "$ROOT/tests" "$ROOT/scripts" --include='*.sh' --include='*.py' --include='meson.build' \
		--exclude=test_setup_tools.sh; then
		echo "tool $t is no longer called by any script: drop it from this list"; bad=1; continue
	fi
	path=$(command -v "$t") || { echo "tool $t: not installed (setup.sh has run?)"; bad=1; continue; }
	# Merged /usr: dpkg may know the file under /bin or /sbin.
	pkg=""
	for p in "$path" "$(readlink -f "$path")" "${path#/usr}" "$(readlink -f "$path" | sed 's|^/usr||')"; do
		pkg=$(dpkg -S "$p" 2>/dev/null | grep -v '^diversion' | head -1 | cut -d: -f1) || true
		[ -n "$pkg" ] && break
	done
	[ -n "$pkg" ] || { echo "tool $t ($path): no Debian package owns it"; bad=1; continue; }
	prio=$(dpkg-query -W -f='${Priority}' "$pkg" 2>/dev/null || true)
	if printf '%s\n' "${PKGS[@]}" | grep -qx -- "$pkg"; then
		echo "ok $t: $pkg (setup.sh)"
	elif [ "$prio" = required ] || [ "$prio" = important ]; then
		echo "ok $t: $pkg (priority $prio)"
	elif printf '%s\n' "$DEPS" | grep -qx -- "$pkg"; then
		echo "ok $t: $pkg (a dependency of setup.sh's packages)"
	else
		echo "tool $t: package $pkg (priority ${prio:-?}) is not installed by setup.sh"; bad=1
	fi
done
[ "$bad" -eq 0 ] || fail "setup.sh misses what the tests use"
echo "PASS setup-tools"
