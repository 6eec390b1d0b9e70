#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Installs what tcprec needs on Debian 12, by group (default: test).
set -euo pipefail
# Groups: build (compile the tools, `meson install`), demo (build, plus what
# scripts/demo.sh runs), test (what scripts/test.sh needs: the independent
# observers tcpdump, tshark and libbpf-tools, valgrind, qemu for the vm
# suite, clickhouse for the fleet test), bench (the peers scripts/bench.sh compares against,
# and clickhouse for its fleet ingest).
build=(meson ninja-build pkg-config gcc clang llvm bpftool
	libbpf-dev libelf-dev zlib1g-dev libpcap-dev libjansson-dev)
demo=("${build[@]}" iproute2 python3)
test=("${demo[@]}" nftables tcpdump tshark wireshark-common util-linux procps
	libcap2-bin python3-jsonschema python3-matplotlib valgrind clang-format libbpf-tools
	qemu-system-x86 busybox-static kmod cpio xz-utils zstd clickhouse-server clickhouse-client)
bench=("${build[@]}" iproute2 python3 libbpf-tools bpftrace tcpdump tshark wireshark-common
	tcptrace time clickhouse-server clickhouse-client)
case ${1:-test} in
build) packages=("${build[@]}") ;;
demo) packages=("${demo[@]}") ;;
test) packages=("${test[@]}") ;;
bench) packages=("${bench[@]}") ;;
*)
	echo "usage: deps.sh [build|demo|test|bench]" >&2
	exit 2
	;;
esac
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
