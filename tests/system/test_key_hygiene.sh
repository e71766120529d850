#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Key hygiene (docs/key-hygiene.md): no key, CAK or derived key (ICK, KEK, every SAK) is in
# the logs, any control socket reply, any DPDK telemetry reply, or a core dump (gcore) of a
# running gateway; while the same keys are present in its live memory, in mappings marked
# MADV_DONTDUMP (the positive control that makes their absence from the core mean something).
#
#   1. static keys (GCM-AES-XPN-256, random keys and salts), net_pcap ports, traffic both ways:
#        clear.pcap --> [plain  macsec-gw  protected] --> out.pcap ; prot_in.pcap --> protected
#        control socket: every command | telemetry: every endpoint | gcore | SIGTERM
#   2. MKA (GCM-AES-128, random CAK), two gateways in namespaces, one forced rekey:
#        hA --- [gw A, key server] ===== wire (tcpdump: MKPDUs) ===== [gw B] --- hB
#        ICK and KEK derived here from CAK and CKN (802.1X-2020 6.2.1, 9.3.3); every SAK
#        unwrapped (RFC 3394) from the Distributed SAKs captured on the wire
#
# usage: test_key_hygiene.sh     (root; needs gdb's gcore, tcpdump, python3-cryptography)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
P="mgw-hyg$$-"
WORK=$(mktemp -d /tmp/mgw-hyg.XXXXXX)
trap cleanup EXIT
[ -x "$GW_BIN" ] || fail "no $GW_BIN (build first)"
command -v gcore >/dev/null || fail "gcore (Debian gdb) is needed"
umask 077
rnd_hex() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }
: >"$WORK/secrets.txt"          # "name hex" lines: what must appear nowhere

cat >"$WORK/hyg.py" <<'PY'
"""scan FILE..: secrets in files (raw octets, lower/upper hex); live PID: secrets in the
process's MADV_DONTDUMP memory; mka-keys CAK CKN PCAP: ICK, KEK and the SAKs on the wire."""
import struct, sys

def secrets(path):
    return [(l.split()[0], bytes.fromhex(l.split()[1])) for l in open(path) if l.strip()]

def forms(b):
    return [b, b.hex().encode(), b.hex().upper().encode()]

def scan(secret_file, files):
    hits = 0
    for f in files:
        data = open(f, "rb").read()
        for name, s in secrets(secret_file):
            for form in forms(s):
                i = data.find(form)
                if i >= 0:
                    kind = "octets" if form is s else "hex"
                    print(f"LEAK: {name} ({kind}) in {f} at offset {i:#x}")
                    hits += 1
    return hits

def live(secret_file, pid):
    maps, cur = [], None
    for line in open(f"/proc/{pid}/smaps"):
        head = line.split()
        if "-" in head[0] and len(head) >= 5 and not line.startswith(("VmFlags", "Name")):
            lo, hi = (int(x, 16) for x in head[0].split("-"))
            cur = [lo, hi, ""]
            if head[1].startswith("r"):                       # DPDK reserves PROT_NONE VA too
                maps.append(cur)
        elif line.startswith("VmFlags:") and cur is not None:
            cur[2] = line.split(":", 1)[1]
    dd = [m for m in maps if " dd" in m[2]]
    locked = [m for m in dd if " lo" in m[2]]
    found = set()
    # Under ASan its shadow memory is also never dumped, and terabytes large: key objects
    # live in small mappings, so mappings over 1 GiB are left out, the rest read in chunks.
    dd = [m for m in dd if m[1] - m[0] <= (1 << 30)]
    with open(f"/proc/{pid}/mem", "rb", 0) as mem:
        for lo, hi, _ in dd:
            for at in range(lo, hi, 1 << 24):
                try:
                    mem.seek(max(lo, at - 64))          # overlap: a key across two chunks
                    data = mem.read(min(hi, at + (1 << 24)) - max(lo, at - 64))
                except OSError:
                    continue
                for name, s in secrets(secret_file):
                    if data.find(s) >= 0:
                        found.add(name)
    print(f"{len(dd)} MADV_DONTDUMP mapping(s) ({sum(h - l for l, h, _ in dd)} octets), "
          f"{len(locked)} of them mlocked; secrets found in them: {' '.join(sorted(found)) or 'none'}")
    return found

def kdf(key, label, ctx, bits):
    from cryptography.hazmat.primitives import cmac
    from cryptography.hazmat.primitives.ciphers import algorithms
    out, i = b"", 1
    while len(out) < bits // 8:
        c = cmac.CMAC(algorithms.AES(key))
        c.update(bytes([i]) + label + b"\0" + ctx + struct.pack("!H", bits))
        out += c.finalize()
        i += 1
    return out[:bits // 8]

def mka_keys(cak, ckn, pcap):
    from cryptography.hazmat.primitives.keywrap import aes_key_unwrap
    ctx = (ckn[:16] + bytes(16))[:16]                      # 802.1X-2020 9.3.3
    ick = kdf(cak, b"IEEE8021 ICK", ctx, len(cak) * 8)
    kek = kdf(cak, b"IEEE8021 KEK", ctx, len(cak) * 8)
    print("ick", ick.hex())
    print("kek", kek.hex())
    d = open(pcap, "rb").read()
    off, saks = 24, []
    while off + 16 <= len(d):
        caplen = struct.unpack("<I", d[off + 8:off + 12])[0]
        f = d[off + 16:off + 16 + caplen]
        off += 16 + caplen
        p = 12
        if f[p:p + 2] == b"\x81\x00":
            p += 4
        if f[p:p + 2] != b"\x88\x8e" or f[p + 3] != 5:       # EAPOL-MKA
            continue
        body = f[p + 6:p + 6 + struct.unpack("!H", f[p + 4:p + 6])[0]]
        q = 0
        while q + 4 <= len(body):                             # parameter sets (11.11)
            ptype, n = body[q], ((body[q + 2] & 0x0F) << 8) | body[q + 3]
            if q == 0:
                ptype = 0                                     # Basic Parameter Set
            if ptype == 4 and n >= 28:                        # Distributed SAK
                wrapped = body[q + 8:q + 4 + n] if n == 28 else body[q + 16:q + 4 + n]
                sak = aes_key_unwrap(kek, wrapped)
                if sak not in saks:
                    saks.append(sak)
            if ptype == 255:
                break
            q += 4 + ((n + 3) & ~3)
    for i, s in enumerate(saks):
        print(f"sak{i}", s.hex())

cmd = sys.argv[1]
if cmd == "scan":
    sys.exit(1 if scan(sys.argv[2], sys.argv[3:]) else 0)
if cmd == "live":
    found = live(sys.argv[2], int(sys.argv[3]))
    want = set(sys.argv[4].split(",")) if len(sys.argv) > 4 else set()
    sys.exit(0 if want <= found else 1)
if cmd == "mka-keys":
    mka_keys(bytes.fromhex(sys.argv[2]), bytes.fromhex(sys.argv[3]), sys.argv[4])
PY

# Every socket command (and a few bad ones), raw and through macsecctl.
ask_all() { # SOCKET LINK OUTDIR
	local sock=$1 link=$2 out=$3 c
	mkdir -p "$out"
	$PY - "$sock" "$link" "$out/socket.txt" <<'PY'
import json, socket, sys
sock, link, out = sys.argv[1:4]
reqs = [{"cmd": c} for c in ("help", "status", "stats", "config", "mka", "selftest")]
reqs += [{"cmd": "rekey", "link": link}, {"cmd": "rekey", "link": "nope"}, {"cmd": "nope"}]
with open(out, "w") as f:
    for r in reqs + ["not json", '{"cmd": "stats", "cmd": "status"}']:
        s = socket.socket(socket.AF_UNIX); s.settimeout(10); s.connect(sock)
        s.sendall((json.dumps(r) if isinstance(r, dict) else r).encode() + b"\n")
        buf = b""
        while not buf.endswith(b"\n"):
            d = s.recv(65536)
            if not d:
                break
            buf += d
        s.close()
        f.write(buf.decode(errors="replace"))
PY
	for c in show stats status config mka selftest "stats --json" "watch -n 1"; do
		# shellcheck disable=SC2086
		"$CTL_BIN" -s "$sock" $c >>"$out/macsecctl.txt" 2>&1 || true
	done
}

# Every telemetry endpoint the process lists, without a parameter, with the link, with 0.
tel_all() { # PREFIX LINK OUT
	local list
	list=$(echo / | timeout 20 $PY /usr/bin/dpdk-telemetry.py -f "$1" 2>/dev/null |
		$PY -c "import json,sys; print('\n'.join(json.load(sys.stdin)['/']))")
	[ -n "$list" ] || fail "telemetry: no endpoint listed"
	grep -q '^/macsec/stats$' <<<"$list" || fail "telemetry: /macsec/stats not listed"
	{ echo /; for e in $list; do echo "$e"; echo "$e,$2"; echo "$e,0"; done; } |
		timeout 60 $PY /usr/bin/dpdk-telemetry.py -f "$1" >"$3" 2>&1 || true
	echo "telemetry: $(echo "$list" | wc -l) endpoints, $(wc -c <"$3") octets of replies"
}

# gcore, then the checks on the core: it is a real dump (a non-secret marker is in it) and no
# secret is.
dump_check() { # PID NAME MARKER
	if is_asan_build; then
		# An ASan build reserves terabytes of shadow and a heap of its own: a core of it is
		# neither small enough to take here nor the layout production runs; the release run
		# of this test does the core checks.
		echo "core of $2: skipped (AddressSanitizer build)"
		return 0
	fi
	gcore -o "$WORK/core.$2" "$1" >"$WORK/gcore.$2.log" 2>&1 || { cat "$WORK/gcore.$2.log"; fail "gcore $2"; }
	local core="$WORK/core.$2.$1"
	[ -s "$core" ] || fail "no core file for $2"
	grep -qa "$3" "$core" || fail "core of $2 lacks the marker '$3': not a usable dump"
	echo "core of $2: $(du -m "$core" | cut -f1) MiB"
	$PY "$WORK/hyg.py" scan "$WORK/secrets.txt" "$core" || fail "key material in the core dump of $2"
	rm -f "$core"
}

# ============ 1. static keys ============
SUITE=gcm-aes-xpn-256
TXK=$(rnd_hex 32); RXK=$(rnd_hex 32); TXS=$(rnd_hex 12); RXS=$(rnd_hex 12)
echo "$TXK" >"$WORK/tx.key"; echo "$RXK" >"$WORK/rx.key"
printf 'static_tx_key %s\nstatic_rx_key %s\nstatic_tx_salt %s\nstatic_rx_salt %s\n' \
	"$TXK" "$RXK" "$TXS" "$RXS" >>"$WORK/secrets.txt"
MY_SCI=0200000a01000001; PEER_SCI=0200000b01000001
$PY "$FRAMES" gen-clear "$WORK/clear.pcap" 200
$PY "$FRAMES" protect "$WORK/clear.pcap" "$WORK/prot_in.pcap" "$SUITE:$RXK:$PEER_SCI:2:$RXS"
cat >"$WORK/st.yaml" <<YAML
control: {socket: $WORK/st.sock, lcore: 0}
workers: [1]
state_dir: $WORK/state
links:
  - name: hygst
    plain: {port: "net_pcap_hp,rx_pcap=$WORK/clear.pcap,tx_pcap=$WORK/p_out.pcap"}
    protected: {port: "net_pcap_hx,rx_pcap=$WORK/prot_in.pcap,tx_pcap=$WORK/x_out.pcap"}
    secy: {cipher_suite: $SUITE, sci: "$MY_SCI", mtu: 1600}
    key_agreement: static
    static:
      tx_sa:
        - {an: 0, pn: 1, key_file: $WORK/tx.key, ssci: 1, salt: "$TXS"}
      rx_sc:
        - sci: "$PEER_SCI"
          sa:
            - {an: 0, pn: 1, key_file: $WORK/rx.key, ssci: 2, salt: "$RXS"}
YAML
PREFIX="${P}st"
"$GW_BIN" --no-huge -m 256 --no-pci --file-prefix "$PREFIX" -l 0,1 --main-lcore 0 \
	--log-level=user1,debug -- -c "$WORK/st.yaml" >"$WORK/st.log" 2>&1 &
GS=$!; PIDS+=("$GS")
gw_wait_socket "$WORK/st.sock" "$GS" 20 || { cat "$WORK/st.log"; fail "static gateway did not start"; }
for _ in $(seq 1 100); do
	n=$(ctl_get "$WORK/st.sock" "s['links'][0]['tx_sc']['OutPktsEncrypted'] + s['links'][0]['rx_sc'][0]['InPktsOK']")
	[ "$n" -ge 400 ] && break
	sleep 0.1
done
[ "$n" -ge 400 ] || fail "static: only $n frames processed"
ask_all "$WORK/st.sock" hygst "$WORK/st.out"
grep -q '"ok":true' "$WORK/st.out/socket.txt" || fail "selftest over the socket"
tel_all "$PREFIX" hygst "$WORK/st.out/telemetry.txt"
# Positive control: the keys are in the live process, in never-dumped memory.
$PY "$WORK/hyg.py" live "$WORK/secrets.txt" "$GS" static_tx_key,static_rx_key,static_tx_salt,static_rx_salt ||
	fail "static: keys not found in MADV_DONTDUMP memory (the control failed)"
dump_check "$GS" static hygst
kill -TERM "$GS"; rc=0; wait "$GS" || rc=$?; PIDS=()
[ "$rc" -eq 0 ] || fail "static gateway exit $rc"
$PY "$WORK/hyg.py" scan "$WORK/secrets.txt" "$WORK/st.log" "$WORK"/st.out/* || fail "static: key material in logs, socket or telemetry"
echo "static keys: clean (logs, $(wc -l <"$WORK/st.out/socket.txt") socket replies, macsecctl, telemetry, core)"

# ============ 2. MKA ============
SUITE=gcm-aes-128
CAK=$(rnd_hex 16); CKN=6d6163736563206777
echo "$CAK" >"$WORK/cak"
echo "cak $CAK" >>"$WORK/secrets.txt"
topo_up
write_gw_conf_mka "$WORK/a.yaml" hka "$WORK/a.sock" gA-plain gA-prot "$SUITE" "$WORK/cak" $CKN "$GA_SCI" 16
write_gw_conf_mka "$WORK/b.yaml" hkb "$WORK/b.sock" gB-plain gB-prot "$SUITE" "$WORK/cak" $CKN "$GB_SCI" 32
# On B's side: af_packet sends bypass the taps of the sending interface.
ip netns exec "${P}gB" tcpdump -i gB-prot -U -w "$WORK/mka.pcap" ether proto 0x888e >/dev/null 2>&1 &
TD=$!; PIDS+=("$TD")
sleep 0.5
mka_start() { # NAME NS CONF LOG
	ip netns exec "$2" "$GW_BIN" --no-huge -m 256 --no-pci --file-prefix "${P}$1" -l 0,1 \
		--main-lcore 0 --log-level=user1,debug -- -c "$3" >"$4" 2>&1 &
	echo $!
}
GA=$(mka_start a "${P}gA" "$WORK/a.yaml" "$WORK/a.log"); PIDS+=("$GA")
GB=$(mka_start b "${P}gB" "$WORK/b.yaml" "$WORK/b.log"); PIDS+=("$GB")
gw_wait_socket "$WORK/a.sock" "$GA" 20 || { cat "$WORK/a.log"; fail "gateway A did not start"; }
gw_wait_socket "$WORK/b.sock" "$GB" 20 || { cat "$WORK/b.log"; fail "gateway B did not start"; }
secured() { local o; o=$("$CTL_BIN" -s "$1" mka 2>/dev/null) || true; grep -q "status: Secured" <<<"$o"; }
# Generous: MKA secures in about 1 s, but sanitizer builds on a loaded 2-core box are slow.
for _ in $(seq 1 300); do secured "$WORK/a.sock" && secured "$WORK/b.sock" && break; sleep 0.1; done
secured "$WORK/a.sock" && secured "$WORK/b.sock" || fail "MKA: not secured"
ip netns exec "${P}hA" ping -c 5 -i 0.2 -W 2 "$HOST_B_IP" >/dev/null || fail "MKA: ping"
"$CTL_BIN" -s "$WORK/a.sock" rekey hka >/dev/null || fail "MKA: rekey"
sleep 5                                    # past the retire time (3 s): the old SAK is gone
ip netns exec "${P}hA" ping -c 5 -i 0.2 -W 2 "$HOST_B_IP" >/dev/null || fail "MKA: ping after rekey"
ask_all "$WORK/a.sock" hka "$WORK/a.out"
ask_all "$WORK/b.sock" hkb "$WORK/b.out"
tel_all "${P}a" hka "$WORK/a.out/telemetry.txt"
tel_all "${P}b" hkb "$WORK/b.out/telemetry.txt"
stop_pid "$TD"
$PY "$WORK/hyg.py" mka-keys "$CAK" "$CKN" "$WORK/mka.pcap" >>"$WORK/secrets.txt"
n_sak=$(grep -c '^sak' "$WORK/secrets.txt" || true)
[ "$n_sak" -ge 2 ] || fail "MKA: $n_sak SAK(s) recovered from the wire, want the first and the rekeyed one"
echo "MKA: secrets checked: CAK, ICK, KEK and $n_sak SAKs (the older retired)"
# Positive control: the SAK in use is in A's never-dumped memory.
$PY "$WORK/hyg.py" live "$WORK/secrets.txt" "$GA" "sak$((n_sak - 1))" ||
	fail "MKA: the SAK in use is not in MADV_DONTDUMP memory (the control failed)"
dump_check "$GA" mka-a hka
dump_check "$GB" mka-b hkb
stop_pid "$GA" "$GB"; PIDS=()
$PY "$WORK/hyg.py" scan "$WORK/secrets.txt" "$WORK/a.log" "$WORK/b.log" "$WORK"/a.out/* "$WORK"/b.out/* ||
	fail "MKA: key material in logs, socket or telemetry"
echo "PASS key hygiene (static and MKA: logs, socket, macsecctl, telemetry, core dumps)"
