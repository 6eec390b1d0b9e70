#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Installs the dependencies, builds tcprec twice (plain, and with
# ASan+UBSan) and runs the default test suites (unit, integration, fuzz, lint)
# in both builds, then the vm suite (the recorder scenarios under Debian's
# stock kernels in qemu) in the plain build only: it tests which kernel
# paths tcprec chooses and what they record, which the sanitizers do not
# change, and under TCG each boot costs minutes of CI time.  Nothing may
# skip: TCPREC_TESTS_REQUIRE_ALL=1 turns every missing capability into a
# failure.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh test || exit 1

export TCPREC_TESTS_REQUIRE_ALL=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
status=0
summary=()

run_build() {
	local dir=$1
	shift
	if [ ! -d "$dir" ]; then
		meson setup "$dir" "$@" || return 1
	fi
	meson compile -C "$dir" || return 1
	# Integration tests share the kernel; two at a time keeps them honest
	# on two cores without starving the traffic generators.
	meson test -C "$dir" --print-errorlogs --num-processes 2 \
		--suite unit --suite integration --suite fuzz --suite lint
}

count() {
	python3 - "$1" "${2:-testlog}" <<'PY'
import json, sys
p = f = s = 0
try:
    for line in open(sys.argv[1] + "/meson-logs/" + sys.argv[2] + ".json"):
        r = json.loads(line)["result"]
        if r in ("OK", "EXPECTEDFAIL"): p += 1
        elif r == "SKIP": s += 1
        else: f += 1
except OSError:
    pass
print(p, f, s)
PY
}

for build in plain san; do
	if [ "$build" = plain ]; then
		run_build build || status=1
		read -r p f s < <(count build)
	else
		run_build build-san -Db_sanitize=address,undefined -Db_lundef=false || status=1
		read -r p f s < <(count build-san)
	fi
	summary+=("$build: $p passed, $f failed, $s skipped")
	total_p=$(( ${total_p:-0} + p )); total_f=$(( ${total_f:-0} + f )); total_s=$(( ${total_s:-0} + s ))
	[ "$s" -eq 0 ] || status=1
done
# Two VMs at a time: each is one single-threaded TCG vCPU.
meson test -C build --setup vm --print-errorlogs --num-processes 2 --suite vm --logbase vmlog || status=1
# meson names the log of a test setup LOGBASE-SETUP.
read -r p f s < <(count build vmlog-vm)
summary+=("vm: $p passed, $f failed, $s skipped")
total_p=$((total_p + p)); total_f=$((total_f + f)); total_s=$((total_s + s))
[ "$s" -eq 0 ] && [ "$p" -gt 0 ] || status=1
printf '%s\n' "${summary[@]}"
echo "tests: ${total_p:-0} passed, ${total_f:-0} failed, ${total_s:-0} skipped"
[ "${total_p:-0}" -gt 0 ] || status=1
exit $status
