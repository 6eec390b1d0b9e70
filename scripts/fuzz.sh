#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Runs every libFuzzer target for EXECS executions each (default 10,000,000),
# one target after the other.  Builds build-fuzz with clang, libFuzzer and
# ASan+UBSan; seeds each target from a scratch copy of its corpus
# (tests/fuzz/corpus/<target>/) so that new inputs never land in the source
# tree, and leaves the grown corpus in <build>/grown/<target>/; keeps
# crashing inputs under <build>/crashes/<target>/ and the logs under
# <build>/fuzz-logs/.  Exit status 1 when any target found a crash.
#   scripts/fuzz.sh [EXECS] [TARGET...]
# FUZZ_SECONDS=N additionally caps each target's run at N seconds
# (libFuzzer -max_total_time); the summary says how many executions ran.
# FUZZ_SANITIZE=none builds build-fuzz-plain without ASan/UBSan: about ten
# times as many executions per second, for long runs that look for crashes,
# hangs and the targets' own consistency aborts.  Every input of the corpus
# it grew is then replayed once through the ASan+UBSan build (build-fuzz),
# which is the one that finds silent memory errors.
# FUZZ_FORK=N runs N worker processes (libFuzzer -fork) that go on past
# crashes and hangs, keeping each input that crashed; for long runs of a
# target whose known bugs are not fixed yet.
set -uo pipefail
cd "$(dirname "$0")/.."
execs=${1:-10000000}
shift || true
sanitize=${FUZZ_SANITIZE:-address,undefined}
build=build-fuzz
[ "$sanitize" = none ] && build=build-fuzz-plain
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1
setup_build() {
	[ -f "$1/build.ninja" ] && return 0
	CC=clang meson setup "$1" -Dfuzzing_engine=libfuzzer --buildtype=debugoptimized \
		-Db_sanitize="$2" -Db_lundef=false >/dev/null
}
setup_build "$build" "$sanitize" || exit 1
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
	for src in tests/fuzz/fuzz-*.c; do
		t=${src#tests/fuzz/fuzz-}
		[ "$t" = main.c ] || targets+=("${t%.c}")
	done
fi
# Only the fuzzers (and what they link): the rest of the tree is not needed.
compile_fuzzers() {
	meson compile -C "$1" "${targets[@]/#/tests/fuzz/fuzz-}" >/dev/null ||
		{ echo "fuzz: build of $1 failed" >&2; exit 1; }
}
compile_fuzzers "$build"
if [ "$sanitize" = none ]; then
	setup_build build-fuzz address,undefined || exit 1
	compile_fuzzers build-fuzz
fi

# The first sanitizer or libFuzzer report in log $1.
show_report() {
	grep -m1 -A25 -E "ERROR: (AddressSanitizer|libFuzzer)|runtime error" "$1"
}

# Replays every input of corpus dir $2 once through the sanitizer build of
# target $1; prints a line and returns non-zero on a report.
replay_sanitized() {
	local exe=build-fuzz/tests/fuzz/fuzz-$1 log=build-fuzz/fuzz-logs/$1.replay.log
	mkdir -p build-fuzz/fuzz-logs build-fuzz/crashes/$1
	"$exe" -runs=0 -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="build-fuzz/crashes/$1/" "$2" >"$log" 2>&1
	local rc=$?
	printf 'fuzz: %s: %s corpus inputs replayed under ASan+UBSan, exit %s\n' \
		"$1" "$(find "$2" -type f | wc -l)" "$rc"
	[ $rc -eq 0 ] && return 0
	show_report "$log"
	return 1
}
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
	[ -n "${FUZZ_FORK:-}" ] && limit+=(-fork="$FUZZ_FORK" -ignore_crashes=1 \
		-ignore_timeouts=1 -ignore_ooms=1)
	"$exe" -runs="$execs" "${limit[@]}" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$build/crashes/$t/" "$scratch" >"$log" 2>&1
	rc=$?
	end=$(date +%s.%N)
	done_runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	# Fork mode prints no final stats: its last "#RUNS: cov: ..." line counts.
	[ -n "${FUZZ_FORK:-}" ] && done_runs=$(sed -n 's/^#\([0-9]*\): cov:.*/\1/p' "$log" | tail -1)
	corpus=$(find "$scratch" -type f | wc -l)
	crashes=$(grep -o "Test unit written to .*" "$log" | sed 's/Test unit written to //')
	secs=$(echo "$end - $start" | bc)
	printf 'fuzz: %s: %s execs in %.0f s (%.0f/s), corpus %s files, exit %s\n' \
		"$t" "${done_runs:-?}" "$secs" "$(echo "${done_runs:-0} / $secs" | bc -l)" \
		"$corpus" "$rc"
	if [ $rc -ne 0 ] || [ -n "$crashes" ]; then
		status=1
		echo "fuzz: $t: CRASH, inputs: $(echo $crashes | tr '\n' ' ')"
		show_report "$log"
	fi
	if [ "$sanitize" = none ]; then
		replay_sanitized "$t" "$scratch" || status=1
	fi
	# Kept for minimising into the source corpus (libFuzzer -merge=1).
	rm -rf "$build/grown/$t"
	mkdir -p "$build/grown"
	mv "$scratch" "$build/grown/$t"
done
exit $status
