#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Installs everything tcprec needs to build, run and test on Debian 12.
set -euo pipefail
packages=(
	# build
	meson ninja-build pkg-config gcc clang llvm bpftool
	libbpf-dev libelf-dev zlib1g-dev libpcap-dev libjansson-dev
	# integration tests and peers the tests cross-check against
	iproute2 nftables tcpdump tshark wireshark-common util-linux procps
	libcap2-bin python3 python3-jsonschema python3-matplotlib valgrind
	# lint suite: the tree stays clang-formatted (.clang-format)
	clang-format
	# benchmarks (peers run side by side)
	libbpf-tools bpftrace tcptrace time
	# vm suite: stock Debian kernels under qemu (scripts/vmtest.sh)
	qemu-system-x86 busybox-static kmod cpio xz-utils zstd
)
missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "deps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	# wireshark-common asks whether non-root users may capture: answer no.
	echo 'wireshark-common wireshark-common/install-setuid boolean false' | debconf-set-selections
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "deps: all installed"
