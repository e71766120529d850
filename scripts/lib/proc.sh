# SPDX-License-Identifier: BSD-3-Clause
# Process helpers shared by the scripts and tests (source this file).

# stop_pid PID...: SIGTERM, wait up to 10 s, then SIGKILL; reaps our own children.
stop_pid() {
	local pid i
	for pid in "$@"; do
		[ -n "$pid" ] || continue
		kill -TERM "$pid" 2>/dev/null || continue
		for ((i = 0; i < 100; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
}
