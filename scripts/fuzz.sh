#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Runs every libFuzzer target for EXECS executions each (default 10,000,000),
# one target after the other.  Builds build-fuzz with clang, libFuzzer and
# ASan+UBSan; seeds each target from a scratch copy of its corpus
# (tests/fuzz/corpus/<target>/) so that new inputs never land in the source
# tree; keeps crashing inputs under build-fuzz/crashes/<target>/ and the logs
# under build-fuzz/fuzz-logs/.  Exit status 1 when any target found a crash.
#   scripts/fuzz.sh [EXECS] [TARGET...]
# FUZZ_SECONDS=N additionally caps each target's run at N seconds
# (libFuzzer -max_total_time); the summary says how many executions ran.
# FUZZ_SANITIZE=none builds build-fuzz-plain without ASan/UBSan: about ten
# times as many executions per second, for long runs that look for crashes,
# hangs and the targets' own consistency aborts; the sanitizer build remains
# the one that finds silent memory errors.
set -uo pipefail
cd "$(dirname "$0")/.."
execs=${1:-10000000}
shift || true
sanitize=${FUZZ_SANITIZE:-address,undefined}
build=build-fuzz
[ "$sanitize" = none ] && build=build-fuzz-plain
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1
if [ ! -f "$build/build.ninja" ]; then
	CC=clang meson setup "$build" -Dfuzzing_engine=libfuzzer --buildtype=debugoptimized \
		-Db_sanitize="$sanitize" -Db_lundef=false >/dev/null || exit 1
fi
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
	for src in tests/fuzz/fuzz-*.c; do
		t=${src#tests/fuzz/fuzz-}
		[ "$t" = main.c ] || targets+=("${t%.c}")
	done
fi
# Only the fuzzers (and what they link): the rest of the tree is not needed.
meson compile -C "$build" "${targets[@]/#/tests/fuzz/fuzz-}" >/dev/null ||
	{ echo "fuzz: build failed" >&2; exit 1; }
status=0
mkdir -p "$build/fuzz-logs"
for t in "${targets[@]}"; do
	exe=$build/tests/fuzz/fuzz-$t
	if [ ! -x "$exe" ]; then
		echo "fuzz: $t: $exe not built" >&2
		status=1
		continue
	fi
	scratch=$(mktemp -d "/tmp/fuzz-$t.XXXXXX")
	[ -d "tests/fuzz/corpus/$t" ] && cp -r "tests/fuzz/corpus/$t/." "$scratch/"
	mkdir -p "$build/crashes/$t"
	log=$build/fuzz-logs/$t.log
	start=$(date +%s.%N)
	limit=()
	[ -n "${FUZZ_SECONDS:-}" ] && limit=(-max_total_time="$FUZZ_SECONDS")
	"$exe" -runs="$execs" "${limit[@]}" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$build/crashes/$t/" "$scratch" >"$log" 2>&1
	rc=$?
	end=$(date +%s.%N)
	done_runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	corpus=$(find "$scratch" -type f | wc -l)
	crashes=$(grep -o "Test unit written to .*" "$log" | sed 's/Test unit written to //')
	secs=$(echo "$end - $start" | bc)
	printf 'fuzz: %s: %s execs in %.0f s (%.0f/s), corpus %s files, exit %s\n' \
		"$t" "${done_runs:-?}" "$secs" "$(echo "${done_runs:-0} / $secs" | bc -l)" \
		"$corpus" "$rc"
	if [ $rc -ne 0 ] || [ -n "$crashes" ]; then
		status=1
		echo "fuzz: $t: CRASH, inputs: $(echo $crashes | tr '\n' ' ')"
		grep -m1 -A25 -E "ERROR: (AddressSanitizer|libFuzzer)|runtime error" "$log"
	fi
	rm -rf "$scratch"
done
exit $status
