#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The control plane of one gateway on net_pcap ports: the control socket (0600, refused to
# other users, every command, bad requests answered and survived), macsecctl show/stats/
# config, the same counters through DPDK telemetry (dpdk-telemetry.py), no key on any of
# these surfaces, and a clean exit 0 on SIGTERM.
#
#   clear.pcap --> [plain  macsec-gw  protected] --> /dev/null
#                        |  control socket  <-- macsecctl, raw requests (socat-like python)
#                        |  telemetry v2    <-- dpdk-telemetry.py
set -euo pipefail
SUITE=${1:-gcm-aes-xpn-256}
. "$(dirname "$0")/lib.sh"
WORK=$(mktemp -d /tmp/mgw-ctl.XXXXXX)
trap 'stop_pid "${PIDS[@]}"; [ -n "${KEEP:-}" ] || rm -rf "$WORK"' EXIT
umask 077
key_for "$SUITE" 6f >"$WORK/tx.key"; key_for "$SUITE" 7a >"$WORK/rx.key"
MY_SCI=0200000a01000001; PEER_SCI=0200000b01000001
$PY "$FRAMES" gen-clear "$WORK/clear.pcap" 40
write_gw_conf "$WORK/gw.yaml" ctl "$WORK/gw.sock" x x "$SUITE" "$WORK/tx.key" "$WORK/rx.key" "$MY_SCI" "$PEER_SCI" 1 2
sed -i "s|port: \"net_af_packet_ctlp,iface=x,qpairs=1\"|port: \"net_pcap_cp,rx_pcap=$WORK/clear.pcap,tx_pcap=$WORK/p_out.pcap\"|; s|port: \"net_af_packet_ctlx,iface=x,qpairs=1\"|port: \"net_pcap_cx,rx_pcap=$WORK/clear.pcap,tx_pcap=$WORK/x_out.pcap\"|" "$WORK/gw.yaml"
PREFIX="mgw-ctl-$$"
"$GW_BIN" --no-huge -m 256 --no-pci --file-prefix "$PREFIX" -l 0,1 --main-lcore 0 \
	-- -c "$WORK/gw.yaml" >"$WORK/gw.log" 2>&1 &
GW=$!; PIDS+=("$GW")
gw_wait_socket "$WORK/gw.sock" "$GW" 20 || { cat "$WORK/gw.log"; fail "gateway did not start"; }

# The socket is 0600 root, and another user is refused.
mode=$(stat -c %a "$WORK/gw.sock")
[ "$mode" = 600 ] || fail "control socket mode $mode, want 600"
chmod 711 "$WORK"
if setpriv --reuid=65534 --regid=65534 --clear-groups "$CTL_BIN" -s "$WORK/gw.sock" status >/dev/null 2>&1; then
	fail "user nobody could use the control socket"
fi

# Every command, as JSON; stats carry every IEEE 802.1AE clause 10.7 counter.
for c in status config; do "$CTL_BIN" -s "$WORK/gw.sock" $c | $PY -c "import json,sys; json.load(sys.stdin)" || fail "$c"; done
# The ports' MTUs as the devices have them: net_pcap has no MTU to set, so both stay 1500
# here (tests/interop/test_kernel_static.sh checks them on af_packet ports).
mtus=$("$CTL_BIN" -s "$WORK/gw.sock" status | $PY -c 'import json,sys; l=json.load(sys.stdin)["links"][0]; print(l["plain_mtu"], l["protected_mtu"])')
[ "$mtus" = "1500 1500" ] || fail "port MTUs plain/protected: $mtus, want 1500 1500 (net_pcap)"

# Worker load: busy cycles grow while frames move (the pcap's 40) and not while it idles
# after them; watch turns them into a busy share per worker.
busy() { "$CTL_BIN" -s "$WORK/gw.sock" status | $PY -c 'import json,sys; s=json.load(sys.stdin); print(s["workers"][0]["busy_cycles"] if s["tsc_hz"] > 0 else -1)'; }
for _ in $(seq 50); do b1=$(busy); [ "$b1" -gt 0 ] && break; sleep 0.1; done
[ "$b1" -gt 0 ] || fail "worker busy_cycles still $b1 after its frames"
sleep 0.3; b1=$(busy); sleep 0.5; b2=$(busy)
[ "$b1" = "$b2" ] || fail "worker busy_cycles moved while idle: $b1 -> $b2"
"$CTL_BIN" -s "$WORK/gw.sock" watch -i 0.3 -n 2 >"$WORK/watch.txt" || fail "watch"
grep -Eq '^0 +1 +0\.0%$' "$WORK/watch.txt" || { cat "$WORK/watch.txt"; fail "watch: no idle worker 0 on lcore 1 at 0.0% busy"; }
"$CTL_BIN" -s "$WORK/gw.sock" stats --json >"$WORK/stats.json"
$PY - "$WORK/stats.json" <<'PY' || fail "stats --json lacks counters"
import json, sys
s = json.load(open(sys.argv[1]))["links"][0]
secy = ["InPktsUntagged", "InPktsNoTag", "InPktsBadTag", "InPktsUnknownSCI", "InPktsNoSCI",
        "InPktsOverrun", "InOctetsValidated", "InOctetsDecrypted", "OutPktsUntagged",
        "OutPktsTooLong", "OutOctetsProtected", "OutOctetsEncrypted"]
sc = ["InPktsOK", "InPktsInvalid", "InPktsNotValid", "InPktsLate", "InPktsDelayed",
      "InPktsUnchecked", "InPktsNotUsingSA", "InPktsUnusedSA"]
miss = [k for k in secy if k not in s["secy"]] + [k for k in sc if k not in s["rx_sc"][0]]
miss += [k for k in ("OutPktsProtected", "OutPktsEncrypted") if k not in s["tx_sc"]]
for sa in s["rx_sc"][0]["sa"]:
    miss += [k for k in ("InPktsOK", "InPktsInvalid", "InPktsNotValid", "InPktsNotUsingSA", "InPktsUnusedSA") if k not in sa]
if miss:
    print("missing:", miss); sys.exit(1)
if s["tx_sc"]["OutPktsEncrypted"] < 1:
    print("nothing protected"); sys.exit(1)
PY
# (Captured first: `cmd | grep -q` under pipefail fails when grep quits before cmd's last write.)
out=$("$CTL_BIN" -s "$WORK/gw.sock" show); grep -q "cipher suite: $SUITE" <<<"$out" || fail "show"
out=$("$CTL_BIN" -s "$WORK/gw.sock" stats); grep -q "InPktsNotValid" <<<"$out" || fail "stats"

# Bad requests get an error line and the gateway keeps serving.
$PY - "$WORK/gw.sock" <<'PY' || fail "bad requests"
import json, socket, sys
def ask(data, expect_error=True):
    s = socket.socket(socket.AF_UNIX); s.settimeout(5); s.connect(sys.argv[1])
    s.sendall(data); buf = b""
    while not buf.endswith(b"\n"):
        d = s.recv(65536)
        if not d: break
        buf += d
    s.close()
    doc = json.loads(buf)
    if expect_error and "error" not in doc:
        print("no error for", data[:40]); sys.exit(1)
    return doc
ask(b"not json\n"); ask(b"[1,2]\n"); ask(b'{"cmd": 5}\n'); ask(b'{"cmd": "reboot"}\n')
ask(b'{"cmd": "stats", "cmd": "status"}\n'); ask(b"\xff\xfe\x00garbage\n")
ask(b"{" * 5000 + b"\n")                          # longer than a request may be
ask(b'{"cmd": "status"}\n', expect_error=False)
PY
"$CTL_BIN" -s "$WORK/gw.sock" status >/dev/null || fail "gateway stopped serving after bad requests"

# Telemetry: the same counters under /macsec/.
tel() { echo "$1" | timeout 10 $PY /usr/bin/dpdk-telemetry.py -f "$PREFIX" 2>/dev/null; }
out=$(tel "/"); grep -q '"/macsec/stats"' <<<"$out" || fail "telemetry: /macsec/stats not registered"
tel "/macsec/stats,ctl" >"$WORK/tel.txt"
grep -q "InPktsNotValid" "$WORK/tel.txt" || { cat "$WORK/tel.txt"; fail "telemetry stats"; }

# No key, anywhere the gateway speaks.
"$CTL_BIN" -s "$WORK/gw.sock" config >"$WORK/config.json"
tel "/macsec/config,ctl" >>"$WORK/config.json"
for k in "$(cat "$WORK/tx.key")" "$(cat "$WORK/rx.key")" "$XPN_SALT"; do
	for f in "$WORK/config.json" "$WORK/stats.json" "$WORK/tel.txt" "$WORK/gw.log"; do
		if grep -qi "$k" "$f"; then fail "key material in $(basename "$f")"; fi
	done
done

# A clean stop: SIGTERM, exit 0, socket removed.
kill -TERM "$GW"
rc=0; wait "$GW" || rc=$?
PIDS=()
[ "$rc" -eq 0 ] || { tail -5 "$WORK/gw.log"; fail "exit status $rc on SIGTERM"; }
[ ! -e "$WORK/gw.sock" ] || fail "control socket left behind"
echo "PASS ctl $SUITE"
