#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# vmtest.sh - runs a command as root under a stock Debian kernel booted in
# qemu, with this machine's root file system (and so the project tree, at
# the same path) shared read-only into the guest.  Users run distribution
# kernels with fentry, kprobes and KALLSYMS_ALL; this is how tcprec's paths
# for those kernels are tested on a host that has none of them.
#
# Usage: scripts/vmtest.sh [--kernel NAME] [--timeout SECS] [--mem MiB] -- COMMAND...
#
# The guest is a busybox initramfs that loads the kernel's 9p, virtio and
# overlay modules, mounts the host's / over 9p (read-only, with tmpfs or
# overlay+tmpfs on /tmp /run /etc /var /root so programs can write), mounts
# proc, sys, tracefs, debugfs, bpffs and cgroup2, makes that tree the root
# with switch_root (so the kernel's own modprobe calls find the guest
# kernel's modules) and runs COMMAND in the caller's directory with the
# caller's PATH and test variables (TCPREC*, TRCDUMP, TCPANA, LOADGEN,
# PYTHON*, ASAN_OPTIONS, UBSAN_OPTIONS).  The guest console is printed
# on stdout.
#
# Kernels are Debian packages fetched with apt-get download through a
# private APT configuration (the host's stays untouched) and cached, with
# the initramfs built for them, under $TCPREC_VMTEST_CACHE
# (/var/cache/tcprec-vmtest).  Versions are pinned to ones that boot
# reliably under bookworm's qemu 7.2 with TCG: its TCG corrupted memory in
# 3 of 4 boots of bookworm-backports' 6.12.95, while the kernels below
# booted every time.  If the mirror stops serving a pinned version, the
# download fails and so does every test that needs it: pin the new one.
#
# Exit status: COMMAND's, or
#   250  usage error
#   251  the kernel or the initramfs could not be prepared
#   252  the VM stopped without reporting COMMAND's status (crash, panic)
#   253  the VM ran out of time (--timeout, default 900 s)
set -uo pipefail

EXIT_USAGE=250 EXIT_SETUP=251 EXIT_VM=252 EXIT_TIMEOUT=253
CACHE=${TCPREC_VMTEST_CACHE:-/var/cache/tcprec-vmtest}
QEMU=${QEMU:-qemu-system-x86_64}
kernel=6.1 timeout=900 mem=2048

usage() {
	sed -n '/^# Usage:/,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
	echo "kernels: $(kernel_names)" >&2
	exit $EXIT_USAGE
}
die() {
	echo "vmtest: $*" >&2
	exit "${code:-$EXIT_SETUP}"
}

# NAME -> suite, kernel release, pinned packages.  Debian 13 (trixie)
# splits 7.x kernels into linux-binary-*, linux-modules-* and linux-base-*.
kernel_names() { echo "6.1 6.12 7.3"; }
kernel_spec() {
	case $1 in
	6.1)
		suite=bookworm kver=6.1.0-50-amd64
		pkgs=(linux-image-6.1.0-50-amd64-unsigned=6.1.176-1) ;;
	6.12)
		# 6.12.118 of the first tests is gone from the mirror; 6.12.117
		# is what trixie serves and boots as reliably.
		suite=trixie kver=6.12.117+deb13-amd64
		pkgs=(linux-image-6.12.117+deb13-amd64-unsigned=6.12.117-1) ;;
	7.3)
		suite=trixie-backports kver=7.3.4+deb13-amd64
		pkgs=("linux-binary-unsigned-$kver=7.3.4-1~bpo13+1" "linux-modules-$kver=7.3.4-1~bpo13+1"
			"linux-base-$kver=7.3.4-1~bpo13+1") ;;
	*) return 1 ;;
	esac
}

# The Debian mirror this host uses (its sources), else deb.debian.org.
mirror_url() {
	local url
	url=$(grep -rhoE 'https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d 2>/dev/null |
		head -n1 | tr -d ' ')
	echo "${TCPREC_VMTEST_MIRROR:-${url:-http://deb.debian.org/debian}}"
}

# A private APT tree: its own sources, lists and status, so neither the
# host's sources nor its package state change.
apt_private() {
	local d=$CACHE/apt m
	m=$(mirror_url)
	mkdir -p "$d/lists/partial" "$d/archives/partial" "$d/etc/apt.conf.d" \
		"$d/etc/preferences.d" "$d/etc/sources.list.d" || return 1
	[ -e "$d/status" ] || : >"$d/status"
	printf 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s %s main\n' \
		"$m" bookworm "$m" trixie "$m" trixie-backports >"$d/etc/sources.list.new" &&
		mv "$d/etc/sources.list.new" "$d/etc/sources.list"
	cat >"$d/apt.conf" <<-EOF
		Dir::State "$d";
		Dir::State::Lists "$d/lists";
		Dir::State::status "$d/status";
		Dir::Cache "$d";
		Dir::Etc::SourceList "$d/etc/sources.list";
		Dir::Etc::SourceParts "$d/etc/sources.list.d";
		Dir::Etc::Preferences "$d/etc/preferences";
		Dir::Etc::PreferencesParts "$d/etc/preferences.d";
		Dir::Etc::Parts "$d/etc/apt.conf.d";
		APT::Architecture "amd64";
		APT::Sandbox::User "root";
	EOF
}

# Downloads the pinned packages into $1, updating the private lists once
# when they do not know a package yet.
download() {
	local dest=$1
	apt_private || return 1
	export APT_CONFIG=$CACHE/apt/apt.conf
	(cd "$dest" && apt-get download -q "${pkgs[@]}") >&2 && return 0
	echo "vmtest: updating the package lists for $suite" >&2
	apt-get update -q >&2 || return 1
	(cd "$dest" && apt-get download -q "${pkgs[@]}") >&2
}

find_vmlinuz() {
	local root=$1 f
	for f in "$root/boot/vmlinuz-$kver" "$root/usr/lib/modules/$kver/vmlinuz.unsigned" \
		"$root/usr/lib/modules/$kver/vmlinuz"; do
		[ -f "$f" ] && { echo "$f"; return 0; }
	done
	return 1
}

# Writes the initramfs: static busybox, the modules that mount the host
# root (in dependency order, decompressed so busybox insmod loads them),
# and the two boot stages below.
build_initramfs() {
	local root=$1 out=$2 w line n=0 ko base seen=
	w=$(mktemp -d) || return 1
	mkdir -p "$w/bin" "$w/dev" "$w/proc" "$w/sys" "$w/newroot" "$w/modules"
	cp /bin/busybox "$w/bin/busybox" || return 1
	while read -r line; do
		case $line in
		insmod\ *) ko=${line#insmod }; ko=${ko%% *} ;;
		*) continue ;;
		esac
		# -a lists a module shared by two targets twice.
		case " $seen " in *" $ko "*) continue ;; esac
		seen="$seen $ko"
		n=$((n + 1))
		base=$(printf '%02d-%s' "$n" "$(basename "${ko%.xz}")")
		base=${base%.zst}
		case $ko in
		*.xz) xz -dc "$ko" >"$w/modules/$base" ;;
		*.zst) zstd -qdc "$ko" >"$w/modules/$base" ;;
		*) cp "$ko" "$w/modules/$base" ;;
		esac || return 1
	done < <(modprobe -d "$root" -S "$kver" -a --show-depends virtio_pci 9pnet_virtio 9p overlay)
	[ "$n" -gt 0 ] || { echo "vmtest: no modules found for $kver" >&2; return 1; }
	stage1 >"$w/init" && stage2 >"$w/stage2" && chmod +x "$w/init" || return 1
	(cd "$w" && find . | cpio -o -H newc --quiet | gzip -1) >"$out.new" && mv "$out.new" "$out"
	rm -rf "$w"
}

# Extracts and prepares kernel $kver once; prints nothing.
prepare_kernel() {
	local k=$CACHE/kernels/$kver d=$CACHE/debs/$kver deb
	[ -f "$k/ready" ] && return 0
	rm -rf "$k" && mkdir -p "$d" "$k/root" || return 1
	download "$d" || return 1
	for deb in "$d"/*.deb; do
		dpkg-deb -x "$deb" "$k/root" || return 1
	done
	# 7.x packages install under usr/lib only; modprobe -d wants lib/.
	[ -e "$k/root/lib" ] || ln -s usr/lib "$k/root/lib"
	depmod -b "$k/root" "$kver" || return 1
	ln -sf "$(find_vmlinuz "$k/root")" "$k/vmlinuz" || return 1
	readlink -f "$k/root/lib/modules/$kver" >"$k/moddir"
	touch "$k/ready"
}

# The initramfs of kernel $kver for this version of the stage scripts,
# built once: a cached one from older scripts is not used.
prepare_initramfs() {
	local k=$CACHE/kernels/$kver sig
	sig=$({ stage1; stage2; } | md5sum | cut -c1-12)
	initramfs=$k/initramfs-$sig.gz
	[ -f "$initramfs" ] && return 0
	build_initramfs "$k/root" "$initramfs.tmp" && mv "$initramfs.tmp" "$initramfs"
}

# Stage 1, /init of the initramfs: mount the host root as the new root.
stage1() {
	cat <<-'EOF'
		#!/bin/busybox sh
		/bin/busybox --install -s /bin
		export PATH=/bin
		mount -t proc proc /proc
		mount -t sysfs sys /sys
		mount -t devtmpfs dev /dev
		for m in /modules/*.ko; do insmod "$m" || echo "vmtest: insmod $m failed"; done
		fail() { echo "vmtest: $*"; poweroff -f; }
		# loose caching: the shared tree does not change while the guest
		# runs, and 9p round trips are what makes the guest slow.
		mount -t 9p -o ro,trans=virtio,version=9p2000.L,msize=512000,cache=loose hostroot /newroot ||
			fail "cannot mount the host root"
		R=/newroot
		mount -t tmpfs -o mode=755 run $R/run && mount -t tmpfs -o mode=1777 tmp $R/tmp || fail "tmpfs"
		mkdir -p $R/run/.vmtest $R/run/vmtest
		mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 results $R/run/vmtest ||
			fail "cannot mount the results share"
		kver=$(uname -r)
		moddir=$(cat $R/run/vmtest/moddir)
		for d in usr/lib etc var root; do
			mkdir -p $R/run/.vmtest/$d.u $R/run/.vmtest/$d.w
			mount -t overlay -o lowerdir=$R/$d,upperdir=$R/run/.vmtest/$d.u,workdir=$R/run/.vmtest/$d.w \
				overlay $R/$d || fail "overlay on /$d"
		done
		# The project tree at its own path: it may lie under /tmp or
		# another directory the guest covers with its own file system.
		tree=$(cat $R/run/vmtest/tree)
		mkdir -p $R$tree &&
			mount -t 9p -o ro,trans=virtio,version=9p2000.L,msize=512000,cache=loose tree $R$tree ||
			fail "cannot mount the project tree $tree"
		# The guest kernel's modules where its modprobe looks.
		mkdir -p $R/usr/lib/modules/$kver && mount --bind $R$moddir $R/usr/lib/modules/$kver ||
			fail "modules"
		cp /bin/busybox /stage2 $R/run/.vmtest/
		for d in proc sys dev; do mount --move /$d $R/$d; done
		exec switch_root $R /run/.vmtest/busybox sh /run/.vmtest/stage2
	EOF
}

# Stage 2, PID 1 in the host's tree: file systems BPF tools want, then
# COMMAND; its status goes to the results share before power-off.
stage2() {
	cat <<-'EOF'
		B=/run/.vmtest/busybox
		export PATH=/usr/sbin:/usr/bin:/sbin:/bin
		mount -t tracefs tracefs /sys/kernel/tracing
		mount -t debugfs debugfs /sys/kernel/debug
		mount -t bpf bpf /sys/fs/bpf
		mount -t cgroup2 cgroup2 /sys/fs/cgroup
		mkdir -p /dev/pts /dev/shm
		mount -t devpts devpts /dev/pts
		mount -t tmpfs shm /dev/shm
		$B hostname vmtest
		ip link set lo up
		echo "vmtest: kernel $(uname -r), running the command"
		/bin/bash /run/vmtest/cmd.sh </dev/null
		echo $? >/run/vmtest/rc.new && $B mv /run/vmtest/rc.new /run/vmtest/rc
		$B sync
		$B poweroff -f
	EOF
}

# The command file: caller's directory, selected environment, argv.
write_cmd() {
	local f=$1 v
	{
		echo "cd $(printf %q "$PWD") || exit 1"
		for v in $(compgen -e); do
			case $v in
			PATH | TCPREC* | TRCDUMP | TCPANA | LOADGEN | PYTHON* | ASAN_OPTIONS | UBSAN_OPTIONS | MESON_TEST_ITERATION)
				printf 'export %s=%q\n' "$v" "${!v}" ;;
			esac
		done
		printf 'exec'
		printf ' %q' "${cmd[@]}"
		echo
	} >"$f"
}

while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernel=${2:-}; shift 2 || usage ;;
	--timeout) timeout=${2:-}; shift 2 || usage ;;
	--mem) mem=${2:-}; shift 2 || usage ;;
	-h | --help) usage ;;
	--) shift; break ;;
	*) usage ;;
	esac
done
[ $# -gt 0 ] || usage
cmd=("$@")
[[ $timeout =~ ^[0-9]+$ && $mem =~ ^[0-9]+$ ]] || usage
kernel_spec "$kernel" || { echo "vmtest: unknown kernel '$kernel'" >&2; usage; }
[ "$(id -u)" = 0 ] || die "must run as root (qemu shares / and COMMAND runs as root)"
command -v "$QEMU" >/dev/null || die "$QEMU not found (scripts/deps.sh installs qemu-system-x86)"
[ -x /bin/busybox ] || die "/bin/busybox not found (scripts/deps.sh installs busybox-static)"

mkdir -p "$CACHE" || die "cannot create $CACHE"
# Parallel runs share the cache: one prepares a kernel, the others wait.
exec 9>"$CACHE/.lock" && flock 9 || die "cannot lock $CACHE"
prepare_kernel || die "cannot prepare kernel $kernel ($kver)"
prepare_initramfs || die "cannot build the initramfs of $kver"
flock -u 9

results=$(mktemp -d /tmp/vmtest.XXXXXX) || die "mktemp"
trap 'rm -rf "$results"' EXIT
cp "$CACHE/kernels/$kver/moddir" "$results/moddir"
tree=$(cd "$(dirname "$0")/.." && pwd -P) || die "no project tree"
echo "$tree" >"$results/tree"
write_cmd "$results/cmd.sh"

echo "vmtest: booting $kver (qemu TCG, 1 vCPU, $mem MiB)" >&2
# TCG, not KVM: this host's /dev/kvm (kvm_pvm) runs only PVM guests.
# --foreground keeps qemu in our process group, so a test runner that
# kills the group on its own timeout kills the VM too.
timeout --foreground --kill-after=10 "$timeout" "$QEMU" -accel tcg -cpu max -smp 1 -m "$mem" \
	-nodefaults -no-reboot -display none -serial stdio -monitor none \
	-kernel "$CACHE/kernels/$kver/vmlinuz" -initrd "$initramfs" \
	-append "console=ttyS0 panic=-1 quiet loglevel=4 rdinit=/init" \
	-fsdev local,id=hostroot,path=/,readonly=on,security_model=none,multidevs=remap \
	-device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot \
	-fsdev local,id=tree,path="$tree",readonly=on,security_model=none,multidevs=remap \
	-device virtio-9p-pci,fsdev=tree,mount_tag=tree \
	-fsdev local,id=results,path="$results",security_model=none \
	-device virtio-9p-pci,fsdev=results,mount_tag=results </dev/null
qrc=$?
if [ $qrc -eq 124 ] || [ $qrc -eq 137 ]; then
	echo "vmtest: the VM ran out of time (${timeout} s)" >&2
	exit $EXIT_TIMEOUT
fi
if [ ! -s "$results/rc" ]; then
	echo "vmtest: the VM stopped without a status (qemu exit $qrc)" >&2
	exit $EXIT_VM
fi
exit "$(cat "$results/rc")"
