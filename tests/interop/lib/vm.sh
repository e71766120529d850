# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
# Debian's own kernel (CONFIG_MACSEC=m) + wpa_supplicant in a QEMU/TCG VM on a TAP: the interop peer.
#
#   (netns NS)  TAP <--virtio-net--> [QEMU/TCG: Debian linux-image-amd64, busybox /init]
#                                     eth0 -> macsec0 (ip macsec static | wpa_supplicant MKA)
#
# Source this file. Every input is a Debian package: the kernel comes from `apt-get download`
# + `dpkg -x` (never installed), the initramfs from busybox-static, iproute2 and wpasupplicant.
# Kernel and base initramfs are cached under $VM_WORK; each VM gets a small per-run cpio with
# /mgw.conf appended. The guest (guest-init.sh) prints "MGW: ..." lines on its serial console.
#
#   vm_prepare                          install, fetch, build (cached); sets VM_KERNEL VM_BASE
#   vm_start ID NS TAP MAC LOG VAR=VAL...  boot a VM, its QEMU PID is added to VM_PIDS
#   vm_wait_line LOG REGEX SECONDS      wait for a console line (fails early if the VM is gone)
#   vm_wait_off ID SECONDS              wait for power-off; kill by PID when time is up
#   vm_stop_all                         kill every QEMU this shell started (for traps)
#   vm_kv LOG KEY                       value of the last "MGW: KEY=VALUE" console line
#   vm_macsec_stat LOG SCOPE FIELD [AN] counter from the console's `ip -s macsec show`
#   vm_macsec_encoding_sa LOG           the kernel's TX SA in use (TXSC ... on SA N)
#   vm_section LOG NAME                 lines between "MGW: NAME begin" and "MGW: NAME end"
VM_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VM_WORK=${VM_WORK:-/tmp/mgw-interop}
VM_PKGS=${VM_PKGS:-"qemu-system-x86 busybox-static wpasupplicant iproute2 kmod cpio tshark xz-utils"}
# Modules the guest loads; their dependencies come from modinfo. Built-ins are skipped.
VM_MODULES="virtio_pci virtio_net af_packet macsec gcm ghash_generic ctr 8021q"
VM_MEM=${VM_MEM:-384}
VM_PIDS=()
declare -A VM_PID

vm_log() { echo "[vm $(date +%T)] $*" >&2; }
vm_die() { vm_log "ERROR: $*"; return 1; }

vm_deps() {  # install the Debian packages that are missing, and only those
	local missing=() p
	for p in $VM_PKGS; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	vm_log "installing Debian packages: ${missing[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"${missing[@]}" >/dev/null
}

vm_kernel_pkg() {  # the versioned package linux-image-amd64 depends on, e.g. linux-image-6.1.0-N-amd64
	apt-cache depends linux-image-amd64 2>/dev/null |
		awk '/Depends: linux-image-[0-9]/ {print $2; exit}'
}

vm_kernel() {  # fetch + unpack (dpkg -x) the kernel package; sets VM_KDIR
	local pkg dl
	pkg=$(vm_kernel_pkg)
	[ -n "$pkg" ] || { apt-get update -qq; pkg=$(vm_kernel_pkg); }
	[ -n "$pkg" ] || vm_die "apt cannot resolve linux-image-amd64" || return 1
	VM_KDIR=$VM_WORK/kernel/$pkg
	[ -f "$VM_KDIR/.unpacked" ] && return 0
	vm_log "fetching $pkg with apt-get download"
	dl=$VM_WORK/dl
	rm -rf "$dl" "$VM_KDIR"
	mkdir -p "$dl" "$VM_KDIR"
	chmod 777 "$dl"   # apt's _apt user downloads into it
	if ! (cd "$dl" && apt-get download -qq "$pkg"); then
		apt-get update -qq   # an old list may name a version the mirror no longer has
		(cd "$dl" && apt-get download -qq "$pkg") || vm_die "apt-get download $pkg" || return 1
	fi
	dpkg -x "$dl/${pkg}"_*.deb "$VM_KDIR"
	rm -rf "$dl"
	grep -q '^CONFIG_MACSEC=m' "$VM_KDIR"/boot/config-* ||
		vm_die "$pkg has no CONFIG_MACSEC=m" || return 1
	touch "$VM_KDIR/.unpacked"
}

# vm_mod_order NAME...: module files in load order (dependencies first), one per line.
vm_mod_order() {
	local kmdir=$1; shift
	local -A file=() seen=()
	local order=() f n
	while read -r f; do
		n=${f##*/}; n=${n%%.ko*}; file[${n//-/_}]=$f
	done < <(find "$kmdir/kernel" -name '*.ko*')
	_vm_mod_add() {
		local m=${1//-/_} d
		[ -n "${seen[$m]:-}" ] && return 0
		seen[$m]=1
		if [ -z "${file[$m]:-}" ]; then
			grep -q "/${m}.ko\$\|/${m//_/-}.ko\$" "$kmdir/modules.builtin" && return 0
			vm_die "module $m is neither a module nor built in"; return 1
		fi
		for d in $(modinfo -F depends "${file[$m]}" | tr ',' ' '); do _vm_mod_add "$d" || return 1; done
		order+=("${file[$m]}")
	}
	for n in "$@"; do _vm_mod_add "$n" || return 1; done
	printf '%s\n' "${order[@]}"
}

vm_build_initramfs() {  # OUT: busybox, ip, wpa_supplicant, wpa_cli, their libraries, modules, /init
	local out=$1 root f b km
	root=$(mktemp -d "$VM_WORK/root.XXXXXX")
	km=$(echo "$VM_KDIR"/lib/modules/*)
	mkdir -p "$root"/{bin,sbin,etc,proc,sys,dev,tmp,run,var/run,modules}
	cp /bin/busybox "$root/bin/busybox"
	for f in $(/bin/busybox --list); do [ -e "$root/bin/$f" ] || ln -s busybox "$root/bin/$f"; done
	for b in /usr/sbin/ip /usr/sbin/wpa_supplicant /usr/sbin/wpa_cli; do
		rm -f "$root/bin/${b##*/}"; cp "$b" "$root/sbin/"
		ldd "$b" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}'
	done | sort -u | while read -r f; do mkdir -p "$root${f%/*}"; cp -L "$f" "$root$f"; done
	"$root/sbin/wpa_supplicant" -h | grep -q macsec_linux ||
		{ rm -rf "$root"; vm_die "wpa_supplicant has no macsec_linux driver"; return 1; }
	local i=0 order
	# shellcheck disable=SC2086 # a list of names
	order=$(vm_mod_order "$km" $VM_MODULES) || { rm -rf "$root"; return 1; }
	for f in $order; do   # numbered, so the guest loads them in this order
		b=$(printf '%02d-%s' "$i" "${f##*/}"); b=${b%%.ko*}.ko; i=$((i + 1))
		case "$f" in
		*.ko.xz) xz -dc "$f" >"$root/modules/$b" ;;
		*.ko.zst) zstd -qdc "$f" >"$root/modules/$b" ;;
		*) cp "$f" "$root/modules/$b" ;;
		esac
	done
	cp "$VM_LIB/guest-init.sh" "$root/init"
	chmod 755 "$root/init"
	(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$out.tmp"
	mv "$out.tmp" "$out"
	rm -rf "$root"
	vm_log "built $out ($(du -h "$out" | cut -f1)), modules: $(echo "$order" | sed 's|.*/||; s|\.ko.*||' | tr '\n' ' ')"
}

vm_prepare() {  # idempotent; a second run only hashes the inputs
	local key
	mkdir -p "$VM_WORK"
	exec {VM_LOCK_FD}>"$VM_WORK/.lock"
	flock -w 600 "$VM_LOCK_FD" || vm_die "cannot lock $VM_WORK" || return 1
	if ! vm_deps || ! vm_kernel; then flock -u "$VM_LOCK_FD"; return 1; fi
	VM_KERNEL=$(echo "$VM_KDIR"/boot/vmlinuz-*)
	key=$({ cat "$VM_LIB/vm.sh" "$VM_LIB/guest-init.sh"; echo "$VM_KDIR $VM_MODULES"
		dpkg-query -W busybox-static iproute2 wpasupplicant; } | sha256sum | cut -c1-12)
	VM_BASE=$VM_WORK/initramfs-$key.cpio.gz
	if [ ! -s "$VM_BASE" ]; then
		rm -f "$VM_WORK"/initramfs-*.cpio.gz
		vm_build_initramfs "$VM_BASE" || { flock -u "$VM_LOCK_FD"; return 1; }
	fi
	flock -u "$VM_LOCK_FD"
	export VM_QEMU_VERSION
	VM_QEMU_VERSION=$(qemu-system-x86_64 --version | head -1)
}

# vm_start ID NS TAP MAC LOG VAR=VALUE...: boot a VM whose virtio NIC (MAC) is on TAP in NS.
# The VAR=VALUE pairs become /mgw.conf (values: [A-Za-z0-9:._/=+-] only, it is sourced by sh);
# GUEST_CMD=... (any shell) goes to /mgw-cmd.sh and runs before the traffic step.
vm_start() {
	local id=$1 ns=$2 tap=$3 mac=$4 log=$5 dir kv
	shift 5
	dir=$(dirname "$log")/vm-$id
	rm -rf "$dir"; mkdir -p "$dir"
	: >"$dir/mgw-cmd.sh"
	{
		echo "VM_MAC=$mac"
		for kv in "$@"; do
			case "$kv" in
			GUEST_CMD=*) printf '%s\n' "${kv#GUEST_CMD=}" >"$dir/mgw-cmd.sh" ;;
			*=*[!A-Za-z0-9:._/=+-]*) vm_die "unsafe value in $kv"; return 1 ;;
			*=*) echo "$kv" ;;
			*) vm_die "not VAR=VALUE: $kv"; return 1 ;;
			esac
		done
	} >"$dir/mgw.conf"
	(cd "$dir" && printf 'mgw.conf\nmgw-cmd.sh\n' | cpio -o -H newc --quiet | gzip -1) |
		cat "$VM_BASE" - >"$dir/initrd"
	: >"$log"
	ip netns exec "$ns" qemu-system-x86_64 -accel tcg -cpu max -smp 1 -m "$VM_MEM" \
		-nodefaults -no-user-config -display none -no-reboot -monitor none \
		-serial "file:$log" -kernel "$VM_KERNEL" -initrd "$dir/initrd" \
		-append "console=ttyS0 quiet panic=-1 mgw.id=$id" \
		-netdev "tap,id=n0,ifname=$tap,script=no,downscript=no" \
		-device "virtio-net-pci,netdev=n0,mac=$mac,romfile=" \
		>"$dir/qemu.out" 2>&1 &
	VM_PID[$id]=$!
	VM_PIDS+=("$!")
	vm_log "VM $id: QEMU pid $! on $ns/$tap, MAC $mac, console $log"
}

vm_alive() { kill -0 "${VM_PID[$1]}" 2>/dev/null; }

vm_wait_line() {  # LOG REGEX SECONDS [ID]: 0 when seen; 1 on timeout or when VM ID is gone
	local log=$1 re=$2 t=$3 id=${4:-} i
	for ((i = 0; i < t * 10; i++)); do
		grep -aq -- "$re" "$log" 2>/dev/null && return 0
		if [ -n "$id" ] && ! vm_alive "$id"; then
			grep -aq -- "$re" "$log" 2>/dev/null && return 0
			return 1
		fi
		sleep 0.1
	done
	return 1
}

vm_wait_off() {  # ID SECONDS: 0 if the VM powered off in time; else kill it (by PID), 1
	local id=$1 t=$2 pid=${VM_PID[$1]} i
	for ((i = 0; i < t * 10; i++)); do
		vm_alive "$id" || { wait "$pid" 2>/dev/null; return 0; }
		sleep 0.1
	done
	vm_log "VM $id still running after ${t}s: killing QEMU pid $pid"
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 1
}

vm_stop_all() {
	local pid
	for pid in "${VM_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null || continue
		sleep 0.2
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	VM_PIDS=()
}

vm_kv() {  # LOG KEY: value of the last "MGW: KEY=VALUE" console line
	tr -d '\r' <"$1" | sed -n "s/^MGW: $2=//p" | tail -1
}

# vm_macsec_stat LOG SCOPE FIELD [AN]: a counter from the last `ip -s macsec show` on the
# console, summed over every SA (or SC) of that scope, or only SA AN's (txsa, rxsa); empty
# when the console has no such counter.
# SCOPE: txsa | txsc | rxsa | rxsc | secy. iproute2 prints a "stats: NAME..." header line
# and the values on the next line; the scope is the last TXSC/RXSC/SA line above it, except
# for the SecY's own counters, which iproute2 prints just after the TXSC line.
vm_macsec_stat() {
	tr -d '\r' <"$1" | awk -v want="$2" -v field="$3" -v an="${4:-}" '
		/^MGW: macsec-stats begin/ { on = 1; val = ""; scope = "secy"; next }
		/^MGW: macsec-stats end/   { on = 0; if (val != "") out = val; next }
		!on { next }
		/^ *TXSC:/ { scope = "txsc"; next }
		/^ *RXSC:/ { scope = "rxsc"; next }
		/^ *[0-3]: PN / { scope = (scope ~ /^tx/) ? "txsa" : "rxsa"; sa = $1; sub(/:/, "", sa); next }
		hdr != "" { n = split(hdr, h); split($0, v)
			for (i = 1; i <= n; i++)
				if (h[i] == field && hscope == want && (an == "" || hsa == an)) val += v[i]
			hdr = ""; next }
		/^ *stats:/ { hdr = $0; sub(/^ *stats: */, "", hdr)
			hscope = (hdr ~ /^OutPktsUntagged/) ? "secy" : scope; hsa = sa; next }
		END { print out }'
}

vm_macsec_encoding_sa() {  # LOG: N of "TXSC: ... on SA N" in the last `ip -s macsec show`
	vm_section "$1" macsec-stats | sed -n 's/^ *TXSC: .* on SA \([0-3]\).*/\1/p' | tail -1
}

vm_section() {  # LOG NAME: the last block the guest printed between "MGW: NAME begin/end"
	tr -d '\r' <"$1" | awk -v b="MGW: $2 begin" -v e="MGW: $2 end" \
		'$0 == b { on = 1; buf = ""; next } $0 == e { on = 0; out = buf; next }
		 on { buf = buf $0 "\n" } END { printf "%s", out }'
}
