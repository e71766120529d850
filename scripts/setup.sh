#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Install exactly the Debian packages macsec-gw's build and tests need, only those missing.
set -euo pipefail

PKGS=(
  # build
  gcc pkg-config meson ninja-build
  dpdk-dev libdpdk-dev          # DPDK 22.11 headers, libs and vdev PMDs
  libipsec-mb-dev               # intel-ipsec-mb (no pkg-config file)
  libssl-dev                    # OpenSSL 3 libcrypto
  libyaml-dev libjansson-dev    # config, control socket JSON
  libcmocka-dev                 # unit tests
  clang-14 libclang-rt-14-dev llvm-14   # libFuzzer + sanitizers (tests/fuzz), symbolizer
  lua5.4 gnuplot-nox            # pktgen profile syntax checks (luac), performance plots
  # test oracles and tools
  python3 python3-scapy python3-cryptography tshark
  iproute2 iputils-ping ethtool iperf3 procps util-linux
  tcpdump gdb                   # wire captures in system tests; gcore for the key-hygiene core dump
  # interop peers: Debian's kernel (fetched by tests/interop/lib/vm.sh) and wpa_supplicant in QEMU
  qemu-system-x86 busybox-static wpasupplicant kmod cpio
)

missing=()
for p in "${PKGS[@]}"; do
  if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" != "install ok installed" ]; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PKGS[@]} packages present"
  exit 0
fi

echo "setup: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
